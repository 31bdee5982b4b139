//! One finding: a rule, where, why, and perhaps how to fix it.

use std::ops::Range;

use crate::rule::fix::Fix;

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    /// Byte offsets in the text the rule read.
    pub range: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The finding with `fix` (or none): `META.report(range, why).with_fix(fix)`.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Diagnostic {
        self.fix = fix;
        self
    }
}

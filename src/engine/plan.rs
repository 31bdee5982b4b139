//! What to parse for a file, decided from its tokens and the selected
//! rules' prefilters: nothing, a skeleton (see `syntax::skeleton`), or the
//! whole text.

use std::ops::Range;

use crate::rule::{FileInfo, Transform};
use crate::syntax::scan::Scan;
use crate::syntax::skeleton::{self, Signatures, Skeleton, Whole};

/// What to parse for a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// No rule can find anything: nothing to parse.
    NothingToFind,
    /// Parse the whole text, for this reason.
    Whole(Whole),
    /// Parse this instead.
    Skeleton(Skeleton),
}

/// The rules whose prefilter may match the file; all of them when the
/// scan cannot be trusted.
pub fn matching_rules<'r>(
    scan: &Scan<'_>,
    rules: &[&'r dyn Transform],
    file: &FileInfo<'_>,
) -> Vec<&'r dyn Transform> {
    if scan.suspicious {
        return rules.to_vec();
    }
    rules.iter().copied().filter(|rule| rule.may_match(scan, file)).collect()
}

/// No rule's prefilter matches a trusted scan: `plan` finds nothing to
/// parse. Stops at the first rule that may match, so a caller that only
/// needs the yes or no (the project index) pays for few prefilters.
pub fn rules_out_all(scan: &Scan<'_>, rules: &[&dyn Transform], file: &FileInfo<'_>) -> bool {
    !scan.suspicious && !rules.iter().any(|rule| rule.may_match(scan, file))
}

/// Decides what of a file (scanned as `scan`) to parse for `rules`, the
/// rules that may match it (see `matching_rules`): a body is kept when one
/// of them may need it.
pub fn plan(scan: &Scan<'_>, rules: &[&dyn Transform], file: &FileInfo<'_>) -> Plan {
    plan_within(scan, rules, file, None)
}

/// As `plan`, with a skeleton that blanks only bodies among `blankable`
/// when given (see `skeleton::skeleton_within`).
pub fn plan_within(
    scan: &Scan<'_>,
    rules: &[&dyn Transform],
    file: &FileInfo<'_>,
    blankable: Option<&[Range<usize>]>,
) -> Plan {
    if scan.suspicious {
        return Plan::Whole(Whole::Suspicious);
    }
    if rules.is_empty() {
        return Plan::NothingToFind;
    }
    let mut may_need =
        |view: &Scan<'_>| rules.iter().any(|rule| rule.may_need_definition(view, file));
    let signatures = match rules.iter().any(|rule| rule.reads_unneeded_signatures()) {
        true => Signatures::Keep,
        false => Signatures::Blank,
    };
    match skeleton::skeleton_within(scan, &mut may_need, blankable, signatures) {
        Ok(skeleton) => Plan::Skeleton(skeleton),
        Err(whole) => Plan::Whole(whole),
    }
}

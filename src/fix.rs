//! Fixes and how they are applied: a fix is one or more edits that apply
//! together or not at all; within a pass, fixes that would overlap wait for
//! the next pass, where they are recomputed on the re-parsed text.

use std::ops::Range;

use crate::transform::Diagnostic;

/// How sure a fix is to keep behaviour. Ordered: `Safe` > `Unsafe` > `DisplayOnly`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown to the user, never applied.
    DisplayOnly,
    /// Changes behaviour in some cases; applied only with `--unsafe-fixes`.
    Unsafe,
    /// Keeps behaviour; applied by `--write` and `--diff`.
    Safe,
}

impl Applicability {
    pub fn label(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace the bytes in `range` with `replacement` (an empty range inserts).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit { range, replacement: replacement.into() }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(at..at, text)
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit::replace(range, "")
    }

    fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }

    /// Two edits conflict when their ranges overlap, or when both start at the
    /// same offset and one inserts there: their order would be a guess.
    fn conflicts_with(&self, other: &Edit) -> bool {
        let overlap = self.range.start < other.range.end && other.range.start < self.range.end;
        let same_spot = self.range.start == other.range.start
            && (self.is_insertion() || other.is_insertion());
        overlap || same_spot
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix { edits, applicability: Applicability::Safe }
    }

    pub fn unsafe_(edits: Vec<Edit>) -> Fix {
        Fix { edits, applicability: Applicability::Unsafe }
    }

    pub fn display_only(edits: Vec<Edit>) -> Fix {
        Fix { edits, applicability: Applicability::DisplayOnly }
    }

    fn start(&self) -> usize {
        self.edits.iter().map(|edit| edit.range.start).min().unwrap_or(0)
    }
}

/// The result of one pass: the new text and which diagnostics' fixes it holds.
pub struct Pass {
    pub source: String,
    /// Rule codes of the applied fixes, one entry per fixed diagnostic.
    pub fixed: Vec<&'static str>,
    /// The codes of those that were unsafe fixes.
    pub unsafe_fixed: Vec<&'static str>,
}

/// Applies the fixes of `diagnostics` whose applicability is at least
/// `threshold`, skipping any that would overlap one already taken.
/// Returns `None` when nothing applies.
pub fn apply_fixes(
    source: &str,
    diagnostics: &[Diagnostic],
    threshold: Applicability,
) -> Option<Pass> {
    let mut candidates: Vec<(&'static str, &Fix)> = diagnostics
        .iter()
        .filter_map(|diagnostic| Some((diagnostic.code, diagnostic.fix.as_ref()?)))
        .filter(|(_, fix)| {
            fix.applicability >= threshold
                && fix.applicability != Applicability::DisplayOnly
                && !fix.edits.is_empty()
        })
        .collect();
    candidates.sort_by_key(|(code, fix)| (fix.start(), *code));

    let mut taken: Vec<&Edit> = Vec::new();
    let mut fixed = Vec::new();
    let mut unsafe_fixed = Vec::new();
    for (code, fix) in candidates {
        // Identical edits from several fixes (one shared import) apply once.
        let new_edits: Vec<&Edit> =
            fix.edits.iter().filter(|edit| !taken.contains(edit)).collect();
        let clashes = new_edits
            .iter()
            .any(|edit| taken.iter().any(|other| edit.conflicts_with(other)));
        let clashes_itself = new_edits.iter().enumerate().any(|(i, edit)| {
            new_edits[i + 1..].iter().any(|other| edit.conflicts_with(other))
        });
        if clashes || clashes_itself {
            continue;
        }
        taken.extend(new_edits);
        fixed.push(code);
        if fix.applicability == Applicability::Unsafe {
            unsafe_fixed.push(code);
        }
    }
    if fixed.is_empty() || taken.is_empty() {
        return None;
    }
    Some(Pass { source: splice(source, taken), fixed, unsafe_fixed })
}

/// Applies non-overlapping edits to `source`.
fn splice(source: &str, mut edits: Vec<&Edit>) -> String {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let added: usize = edits.iter().map(|edit| edit.replacement.len()).sum();
    let mut out = String::with_capacity(source.len() + added);
    let mut cursor = 0;
    for edit in edits {
        out.push_str(&source[cursor..edit.range.start]);
        out.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    out.push_str(&source[cursor..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(code: &'static str, edits: Vec<Edit>) -> Diagnostic {
        Diagnostic {
            code,
            range: 0..0,
            message: String::new(),
            fix: Some(Fix::safe(edits)),
        }
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let source = "abcdef";
        let diagnostics = [
            diagnostic("A", vec![Edit::replace(0..3, "X")]),
            diagnostic("B", vec![Edit::replace(2..4, "Y")]),
            diagnostic("C", vec![Edit::replace(4..6, "Z")]),
        ];
        let pass = apply_fixes(source, &diagnostics, Applicability::Safe).unwrap();
        assert_eq!(pass.source, "XdZ");
        assert_eq!(pass.fixed, vec!["A", "C"]);
    }

    #[test]
    fn identical_edits_apply_once() {
        let import = Edit::insert(0, "import logging\n");
        let diagnostics = [
            diagnostic("A", vec![import.clone(), Edit::replace(2..3, "1")]),
            diagnostic("A", vec![import, Edit::replace(6..7, "2")]),
        ];
        let pass = apply_fixes("x=a;y=b", &diagnostics, Applicability::Safe).unwrap();
        assert_eq!(pass.source, "import logging\nx=1;y=2");
        assert_eq!(pass.fixed.len(), 2);
    }

    #[test]
    fn two_insertions_at_one_spot_are_not_ordered_by_guess() {
        let diagnostics = [
            diagnostic("A", vec![Edit::insert(1, "x")]),
            diagnostic("B", vec![Edit::insert(1, "y")]),
        ];
        let pass = apply_fixes("ab", &diagnostics, Applicability::Safe).unwrap();
        assert_eq!(pass.source, "axb");
    }

    #[test]
    fn unsafe_fixes_need_the_unsafe_threshold() {
        let mut unsafe_one = diagnostic("A", vec![Edit::replace(0..1, "z")]);
        unsafe_one.fix = Some(Fix::unsafe_(vec![Edit::replace(0..1, "z")]));
        assert!(apply_fixes("a", std::slice::from_ref(&unsafe_one), Applicability::Safe).is_none());
        let pass = apply_fixes("a", &[unsafe_one], Applicability::Unsafe).unwrap();
        assert_eq!(pass.source, "z");
    }
}

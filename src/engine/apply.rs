//! Applying fixes: within a pass, fixes that would overlap wait for the
//! next pass, where they are recomputed on the re-parsed text.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use crate::rule::{Applicability, Diagnostic, Edit, Fix};
use crate::syntax::skeleton::is_among;

/// The result of one pass: the new text and which diagnostics' fixes it holds.
pub struct Pass {
    pub source: String,
    /// Rule codes of the applied fixes, one entry per fixed diagnostic.
    pub fixed: Vec<&'static str>,
    /// The codes of those that were unsafe fixes.
    pub unsafe_fixed: Vec<&'static str>,
    /// Every edit made, in order (an edit several fixes share, once).
    pub edits: Vec<Edit>,
    /// Each applied fix: its rule, where it edited and what it rebinds.
    pub applied: Vec<AppliedFix>,
}

impl Pass {
    /// Those of `ranges` (sorted, disjoint) that no edit of this pass
    /// touched, moved to where they lie in the fixed text. A range an edit
    /// overlaps or borders is left out. Linear in both.
    pub fn untouched(&self, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
        self.moved(ranges).into_iter().filter_map(|(_, now)| now).collect()
    }

    /// What changed from the text the last parse read to the one the next
    /// parse reads, for tree-sitter: this pass's edits, and the bodies the
    /// last parse blanked (`blanked_before`) that the next does not blank
    /// (`blanked_after`, in the fixed text), which are code where there
    /// were spaces. Each change is a range of the old text and the length
    /// of what stands there now; sorted, and merged where they meet.
    pub fn changes_to_parse(
        &self,
        blanked_before: &[Range<usize>],
        blanked_after: &[Range<usize>],
    ) -> Vec<(Range<usize>, usize)> {
        let unblanked = self
            .moved(blanked_before)
            .into_iter()
            .filter(|(_, now)| !now.as_ref().is_some_and(|now| is_among(blanked_after, now)))
            .map(|(body, _)| (body, 0));
        let edits = self.edits.iter().map(|edit| {
            (edit.range.clone(), edit.replacement.len() as isize - edit.range.len() as isize)
        });
        let mut changes: Vec<(Range<usize>, isize)> = edits.chain(unblanked).collect();
        changes.sort_by_key(|(range, _)| range.start);
        let mut merged: Vec<(Range<usize>, isize)> = Vec::with_capacity(changes.len());
        for (range, delta) in changes {
            match merged.last_mut() {
                Some((last, last_delta)) if range.start <= last.end => {
                    last.end = last.end.max(range.end);
                    *last_delta += delta;
                }
                _ => merged.push((range, delta)),
            }
        }
        merged
            .into_iter()
            .map(|(range, delta)| {
                let new_len = range.len().saturating_add_signed(delta);
                (range, new_len)
            })
            .collect()
    }

    /// Each of `ranges` (sorted, disjoint), with where it lies in the fixed
    /// text if no edit overlaps or borders it.
    fn moved(&self, ranges: &[Range<usize>]) -> Vec<(Range<usize>, Option<Range<usize>>)> {
        let mut moved = Vec::with_capacity(ranges.len());
        let mut edits = self.edits.iter().peekable();
        let mut shift: isize = 0;
        for range in ranges {
            while let Some(edit) = edits.next_if(|edit| edit.range.end < range.start) {
                shift += edit.replacement.len() as isize - edit.range.len() as isize;
            }
            let touched = edits.peek().is_some_and(|edit| edit.range.start <= range.end);
            let now = (!touched).then(|| {
                range.start.saturating_add_signed(shift)..range.end.saturating_add_signed(shift)
            });
            moved.push((range.clone(), now));
        }
        moved
    }
}

/// One fix a pass applied, as the resolution check needs it.
pub struct AppliedFix {
    pub code: &'static str,
    /// The byte ranges it replaced, in the text before the pass.
    pub ranges: Vec<Range<usize>>,
    pub rebinds: Vec<String>,
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

    let mut taken = TakenEdits::default();
    let mut fixed = Vec::new();
    let mut unsafe_fixed = Vec::new();
    let mut applied = Vec::new();
    for (code, fix) in candidates {
        // Identical edits from several fixes (one shared import) apply once.
        let mut own = TakenEdits::default();
        let mut clashes = false;
        for edit in fix.edits.iter().filter(|edit| !taken.holds(edit)) {
            if own.holds(edit) {
                continue;
            }
            if taken.conflicts_with(edit) || own.conflicts_with(edit) {
                clashes = true;
                break;
            }
            own.insert(edit);
        }
        if clashes {
            continue;
        }
        taken.absorb(own);
        fixed.push(code);
        applied.push(AppliedFix {
            code,
            ranges: fix.edits.iter().map(|edit| edit.range.clone()).collect(),
            rebinds: fix.rebinds.clone(),
        });
        if fix.applicability == Applicability::Unsafe {
            unsafe_fixed.push(code);
        }
    }
    if fixed.is_empty() || taken.is_empty() {
        return None;
    }
    let edits = taken.in_order();
    let source = splice(source, &edits);
    let edits = edits.into_iter().cloned().collect();
    Some(Pass { source, fixed, unsafe_fixed, edits, applied })
}

/// True when two of the fix's own edits overlap (identical ones aside):
/// such a fix can never apply, so a finding must not offer it.
pub fn overlaps_itself(fix: &Fix) -> bool {
    let mut own = TakenEdits::default();
    fix.edits.iter().any(|edit| {
        if own.holds(edit) {
            return false;
        }
        let clash = own.conflicts_with(edit);
        own.insert(edit);
        clash
    })
}

/// Edits already taken for a pass, ordered by position, so that a new
/// edit's conflicts are found in O(log n): a pass over a large file can hold
/// hundreds of thousands of edits, and comparing each with all the others
/// made fixing such a file quadratic.
#[derive(Default)]
struct TakenEdits<'a> {
    by_start: BTreeMap<(usize, usize), &'a Edit>,
    identical: HashSet<&'a Edit>,
}

impl<'a> TakenEdits<'a> {
    fn holds(&self, edit: &Edit) -> bool {
        self.identical.contains(edit)
    }

    fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }

    /// Taken edits never conflict with each other, so they are disjoint and
    /// sorted by start; only the edits starting inside `edit` (or at its
    /// spot, for an insertion) and the one just before it can conflict.
    fn conflicts_with(&self, edit: &Edit) -> bool {
        let start = edit.range.start;
        let end = edit.range.end.max(start + 1);
        let starts_inside = self.by_start.range((start, 0)..(end, 0)).next().is_some();
        let before = self.by_start.range(..(start, 0)).next_back();
        starts_inside || before.is_some_and(|(_, other)| other.conflicts_with(edit))
    }

    fn insert(&mut self, edit: &'a Edit) {
        self.by_start.insert((edit.range.start, edit.range.end), edit);
        self.identical.insert(edit);
    }

    fn absorb(&mut self, other: TakenEdits<'a>) {
        self.by_start.extend(other.by_start);
        self.identical.extend(other.identical);
    }

    fn in_order(self) -> Vec<&'a Edit> {
        self.by_start.into_values().collect()
    }
}

/// Applies non-overlapping edits to `source`.
fn splice(source: &str, edits: &[&Edit]) -> String {
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
        Diagnostic { code, range: 0..0, message: String::new(), fix: Some(Fix::safe(edits)) }
    }

    #[test]
    fn a_fix_whose_edits_overlap_is_found() {
        let fix =
            |edits: Vec<Edit>| Fix { edits, applicability: Applicability::Safe, rebinds: vec![] };
        assert!(overlaps_itself(&fix(vec![Edit::delete(0..10), Edit::insert(5, "x")])));
        assert!(overlaps_itself(&fix(vec![Edit::delete(0..10), Edit::delete(9..12)])));
        assert!(!overlaps_itself(&fix(vec![Edit::delete(0..10), Edit::insert(10, "x")])));
        assert!(!overlaps_itself(&fix(vec![Edit::insert(3, "x"), Edit::insert(3, "x")])));
    }

    /// A pass over `0123456789abcdefghij` that turns `2` into `XYZ` and
    /// deletes `ef`.
    fn two_edit_pass() -> Pass {
        let diagnostics = [
            diagnostic("A", vec![Edit::replace(2..3, "XYZ")]),
            diagnostic("B", vec![Edit::delete(14..16)]),
        ];
        apply_fixes("0123456789abcdefghij", &diagnostics, Applicability::Safe).unwrap()
    }

    #[test]
    fn untouched_ranges_move_with_the_edits_and_touched_ones_are_left_out() {
        let pass = two_edit_pass();
        assert_eq!(pass.source, "01XYZ3456789abcdghij");
        // `4`-`5` moves by 2 and `h`-`i` by 0; `0`-`1` ends where an edit
        // starts (borders it), `c`-`e` overlaps the deletion.
        let ranges = [0..2, 4..6, 12..15, 17..19];
        assert_eq!(pass.untouched(&ranges), vec![6..8, 17..19]);
        assert_eq!(&pass.source[6..8], "45");
        assert_eq!(&pass.source[17..19], "hi");
    }

    #[test]
    fn the_changes_to_parse_are_the_edits_and_the_bodies_no_longer_blanked() {
        let pass = two_edit_pass();
        // `4`-`5` stays blanked (at 6..8 now); `7`-`8`, untouched, is
        // parsed from now on; `g`-`h` borders the deletion, so it is
        // parsed, in one change with it.
        let still_blanked = 6..8;
        let changes =
            pass.changes_to_parse(&[4..6, 7..9, 16..18], std::slice::from_ref(&still_blanked));
        assert_eq!(changes, vec![(2..3, 3), (7..9, 2), (14..18, 2)]);
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
    fn conflicts_are_found_among_many_edits_in_any_order() {
        // Every conflict shape against a crowd of taken edits: a fix starting
        // inside a taken edit, one spanning a taken insertion, one inserting
        // where a taken edit starts, one ending where another starts (fine).
        let source = "0123456789".repeat(1000);
        let mut diagnostics: Vec<Diagnostic> = (0..1000)
            .rev()
            .map(|i| diagnostic("A", vec![Edit::replace(i * 10 + 2..i * 10 + 4, "x")]))
            .collect();
        diagnostics.push(diagnostic("B", vec![Edit::replace(503..505, "inside")]));
        diagnostics.push(diagnostic("B", vec![Edit::replace(613..615, "across")]));
        diagnostics.push(diagnostic("B", vec![Edit::insert(702, "at-start")]));
        diagnostics
            .push(diagnostic("C", vec![Edit::replace(800..802, "<"), Edit::insert(804, ">")]));
        // Taken first (it starts at 0), it spans the A edits at 912 and 922.
        diagnostics.push(diagnostic("D", vec![Edit::insert(0, "#"), Edit::replace(905..925, "")]));
        let pass = apply_fixes(&source, &diagnostics, Applicability::Safe).unwrap();
        assert_eq!(pass.fixed.iter().filter(|code| **code == "A").count(), 998);
        assert_eq!(pass.fixed.iter().filter(|code| **code == "D").count(), 1);
        assert_eq!(pass.fixed.iter().filter(|code| **code == "B").count(), 0);
        assert_eq!(pass.fixed.iter().filter(|code| **code == "C").count(), 1);
        assert!(pass.source.starts_with("#01x456789"));
        // Block 80 starts at 1 + 80 * 9 once each block before it lost a byte.
        assert_eq!(&pass.source[721..][..9], "<x>456789");
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

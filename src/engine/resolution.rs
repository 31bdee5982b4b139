//! The resolution check, the name-level analogue of black's AST check: a
//! fix must not change what a name refers to unless it says so. A fix that
//! compiles can still turn a global into an unbound local (a default moved
//! into a body that binds the same name) or leave a name undefined (an
//! import moved away from a use it missed); parsing cannot see that.
//!
//! Before a pass applies its fixes, every name read in the text is recorded
//! with the scope it resolves to. After the pass, each name read in the
//! fixed text is compared:
//! - outside the edits, it must resolve to the same scope as the same
//!   identifier did before;
//! - inside text a fix inserted, a name the fix also removed (moved text)
//!   must resolve as it did where it was, and any other name must resolve
//!   at all (no new `NameError`);
//! - a name the fix declares it rebinds (`Fix::rebinds`) may change scope,
//!   but must not become undefined.
//!
//! Names read inside string annotations (`df: "pd.DataFrame"`) count as
//! names read: `typing.get_type_hints` and type checkers look them up.
//!
//! Scopes are compared by where their definition starts, mapped through
//! the edits; a scope a fix inserted compares equal to no earlier scope.
//! Code a skeleton pass did not parse is not compared (no fix edits it).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::engine::apply::{AppliedFix, Pass};
use crate::rule::Edit;
use crate::semantic::{Semantic, SymbolId, is_builtin};
use crate::syntax::module::Module;
use crate::syntax::scan::contains_word;

/// What a name read resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Resolution {
    Module,
    /// The function, class, lambda or comprehension scope whose node
    /// starts at this offset.
    Scope(usize),
    /// A scope inside text a fix inserted.
    InsertedScope,
    Builtin,
    Undefined,
}

impl Resolution {
    fn describe(self) -> &'static str {
        match self {
            Resolution::Module => "the module's binding",
            Resolution::Scope(_) | Resolution::InsertedScope => "a local binding",
            Resolution::Builtin => "the builtin",
            Resolution::Undefined => "nothing (a NameError)",
        }
    }
}

/// One name read: where, which name, and what it resolves to.
struct NameUse {
    at: usize,
    name: Box<str>,
    resolves_to: Resolution,
}

/// Every name read in one text, with the ranges a skeleton left unparsed.
pub(crate) struct NameUses {
    /// In source order.
    uses: Vec<NameUse>,
    /// Sorted, and merged where they overlap.
    unparsed: Vec<Range<usize>>,
    /// The names read somewhere without a binding (with a star import,
    /// any name may be defined by it).
    undefined: HashSet<Box<str>>,
    star_import: bool,
}

impl NameUses {
    /// The names read in `module`, resolved by `semantic`.
    pub(crate) fn of(module: &Module<'_>, semantic: &Semantic<'_>) -> NameUses {
        let module_scope = semantic.module_scope();
        let resolution = |name: &str, symbol: Option<SymbolId>| match symbol
            .map(|symbol| semantic.symbol(symbol).scope)
        {
            Some(scope) if scope == module_scope => Resolution::Module,
            Some(scope) => Resolution::Scope(semantic.scope(scope).node.start_byte()),
            None if is_builtin(name) => Resolution::Builtin,
            None => Resolution::Undefined,
        };
        let references = semantic.references().iter().map(|reference| {
            let name = module.text(reference.node);
            let resolves_to = resolution(name, reference.symbol);
            NameUse { at: reference.node.start_byte(), name: name.into(), resolves_to }
        });
        // Names in string annotations: `typing.get_type_hints` reads them.
        let in_strings = semantic.string_names().iter().map(|read| NameUse {
            at: read.range.start,
            name: read.name.into(),
            resolves_to: resolution(read.name, read.symbol),
        });
        let mut uses: Vec<NameUse> = references.chain(in_strings).collect();
        uses.sort_by_key(|used| used.at);
        let undefined = uses
            .iter()
            .filter(|used| used.resolves_to == Resolution::Undefined)
            .map(|used| used.name.clone())
            .collect();
        NameUses {
            uses,
            unparsed: merged(module.blanked().to_vec()),
            undefined,
            star_import: semantic.has_star_import(),
        }
    }

    fn undefined_somewhere(&self, name: &str) -> bool {
        self.star_import || self.undefined.contains(name)
    }

    fn is_unparsed(&self, at: usize) -> bool {
        let index = self.unparsed.partition_point(|range| range.end <= at);
        self.unparsed.get(index).is_some_and(|range| range.start <= at)
    }

    /// The uses of `name` inside `range`.
    fn named_within<'s>(
        &'s self,
        name: &'s str,
        range: &Range<usize>,
    ) -> impl Iterator<Item = &'s NameUse> + 's {
        let first = self.uses.partition_point(|used| used.at < range.start);
        let last = self.uses.partition_point(|used| used.at < range.end);
        self.uses[first..last].iter().filter(move |used| &*used.name == name)
    }
}

/// `ranges` sorted by start, overlapping ones joined.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|range| range.start);
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match joined.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => joined.push(range),
        }
    }
    joined
}

/// A name a pass made mean something else, and the fixes to blame.
#[derive(Debug)]
pub(crate) struct Violation {
    pub codes: Vec<&'static str>,
    pub name: String,
    /// Where the name is read in the fixed text.
    pub at: usize,
    pub was: &'static str,
    pub now: &'static str,
}

/// Compares the names read after `pass` (`after`) with those read before
/// (`before`); the first name whose resolution changed without the fix
/// declaring it, if any. Linear in the names read and the edits: a file
/// with thousands of fixes is checked in one sweep.
pub(crate) fn check(before: &NameUses, pass: &Pass, after: &NameUses) -> Option<Violation> {
    let map = OffsetMap::new(&pass.edits);
    let before_at: HashMap<usize, &NameUse> =
        before.uses.iter().map(|used| (used.at, used)).collect();
    let rebound: HashSet<&str> =
        pass.applied.iter().flat_map(|fix| fix.rebinds.iter().map(String::as_str)).collect();
    let fixes = FixesByEdit::new(pass);
    for used in &after.uses {
        let now = map.resolution_before(used.resolves_to);
        match map.to_before(used.at) {
            Some(at) if before.is_unparsed(at) => {}
            Some(at) => {
                let was = before_at.get(&at).filter(|old| old.name == used.name);
                let changed = match was {
                    Some(old) => !acceptable(old.resolves_to, now, rebound.contains(&*used.name)),
                    None => now == Resolution::Undefined && !before.undefined_somewhere(&used.name),
                };
                if changed {
                    let was = was.map_or(Resolution::Undefined, |old| old.resolves_to);
                    return Some(violation(blame(pass, &used.name), used, was, now));
                }
            }
            None => {
                let Some(owner) = map.owner(used.at).and_then(|edit| fixes.of(edit)) else {
                    continue;
                };
                let moved: Vec<Resolution> = owner
                    .ranges
                    .iter()
                    .flat_map(|range| before.named_within(&used.name, range))
                    .map(|old| old.resolves_to)
                    .collect();
                let rebinds = owner.rebinds.iter().any(|name| **name == *used.name);
                // A comprehension or lambda moved whole moves its scope too.
                let moved_with = |old: Resolution| match old {
                    Resolution::Scope(at) => {
                        now == Resolution::InsertedScope
                            && owner.ranges.iter().any(|range| range.contains(&at))
                    }
                    _ => false,
                };
                let changed = match moved.first() {
                    Some(&was) => {
                        (!moved.iter().any(|&old| acceptable(old, now, rebinds) || moved_with(old)))
                            .then_some(was)
                    }
                    None => (now == Resolution::Undefined
                        && !before.undefined_somewhere(&used.name))
                    .then_some(Resolution::Undefined),
                };
                if let Some(was) = changed {
                    return Some(violation(vec![owner.code], used, was, now));
                }
            }
        }
    }
    None
}

/// The applied fix that made each edit, found by the edit's range.
struct FixesByEdit<'p> {
    by_range: HashMap<(usize, usize), &'p AppliedFix>,
}

impl<'p> FixesByEdit<'p> {
    fn new(pass: &'p Pass) -> FixesByEdit<'p> {
        let mut by_range = HashMap::new();
        for fix in &pass.applied {
            for range in &fix.ranges {
                // An edit several fixes share belongs to the first.
                by_range.entry((range.start, range.end)).or_insert(fix);
            }
        }
        FixesByEdit { by_range }
    }

    fn of(&self, edit: &Edit) -> Option<&'p AppliedFix> {
        self.by_range.get(&(edit.range.start, edit.range.end)).copied()
    }
}

/// Whether a name that resolved to `was` may now resolve to `now`.
fn acceptable(was: Resolution, now: Resolution, rebinds: bool) -> bool {
    was == now || (rebinds && now != Resolution::Undefined)
}

fn violation(
    codes: Vec<&'static str>,
    used: &NameUse,
    was: Resolution,
    now: Resolution,
) -> Violation {
    let (was, now) = match (was, now) {
        (Resolution::Scope(_), Resolution::Scope(_) | Resolution::InsertedScope) => {
            ("a binding in one function or class", "a binding in another")
        }
        _ => (was.describe(), now.describe()),
    };
    Violation { codes, name: used.name.to_string(), at: used.at, was, now }
}

/// The fixes that may have changed what `name` means: those whose edits
/// removed or inserted the word, else every fix of the pass.
fn blame(pass: &Pass, name: &str) -> Vec<&'static str> {
    let mentions = |edit: &Edit| contains_word(&edit.replacement, name);
    let mut codes: Vec<&'static str> = pass
        .applied
        .iter()
        .filter(|fix| {
            pass.edits.iter().any(|edit| fix.ranges.contains(&edit.range) && mentions(edit))
        })
        .map(|fix| fix.code)
        .collect();
    if codes.is_empty() {
        codes = pass.applied.iter().map(|fix| fix.code).collect();
    }
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Offsets of the fixed text mapped back to the text before the pass.
struct OffsetMap<'p> {
    /// Each edit with where its replacement lies in the fixed text.
    edits: Vec<(&'p Edit, Range<usize>)>,
}

impl<'p> OffsetMap<'p> {
    fn new(edits: &'p [Edit]) -> OffsetMap<'p> {
        let mut shift: isize = 0;
        let edits = edits
            .iter()
            .map(|edit| {
                let start = edit.range.start.saturating_add_signed(shift);
                shift += edit.replacement.len() as isize - edit.range.len() as isize;
                (edit, start..start + edit.replacement.len())
            })
            .collect();
        OffsetMap { edits }
    }

    /// The offset in the text before the pass, or `None` inside text an
    /// edit inserted.
    fn to_before(&self, after: usize) -> Option<usize> {
        let index = self.edits.partition_point(|(_, placed)| placed.end <= after);
        if let Some((_, placed)) = self.edits.get(index)
            && placed.start <= after
        {
            return None;
        }
        let shift = match index.checked_sub(1).and_then(|last| self.edits.get(last)) {
            Some((edit, placed)) => placed.end as isize - edit.range.end as isize,
            None => 0,
        };
        Some(after.saturating_add_signed(-shift))
    }

    /// The edit whose inserted text holds `after`.
    fn owner(&self, after: usize) -> Option<&'p Edit> {
        let index = self.edits.partition_point(|(_, placed)| placed.end <= after);
        self.edits.get(index).filter(|(_, placed)| placed.contains(&after)).map(|(edit, _)| *edit)
    }

    /// A resolution in the fixed text, with its scope's offset mapped back.
    fn resolution_before(&self, resolution: Resolution) -> Resolution {
        match resolution {
            Resolution::Scope(at) => {
                self.to_before(at).map_or(Resolution::InsertedScope, Resolution::Scope)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_around_edits() {
        let edits = [Edit::replace(2..4, "xyz"), Edit::insert(6, "ab")];
        let map = OffsetMap::new(&edits);
        // "01xyz45ab6789" from "0123456789".
        assert_eq!(map.to_before(0), Some(0));
        assert_eq!(map.to_before(2), None);
        assert_eq!(map.to_before(5), Some(4));
        assert_eq!(map.to_before(7), None);
        assert_eq!(map.to_before(9), Some(6));
        assert_eq!(map.to_before(12), Some(9));
    }

    #[test]
    fn words_are_whole_identifiers() {
        assert!(contains_word("x = logging.x", "logging"));
        assert!(!contains_word("my_logging = 1", "logging"));
    }
}

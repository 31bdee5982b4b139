//! Fixes: a fix is one or more edits that apply together or not at all
//! (see `engine::apply` for how they are applied).

use std::ops::Range;

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

    pub(crate) fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }

    /// Two edits conflict when their ranges overlap, or when both start at the
    /// same offset and one inserts there: their order would be a guess.
    pub(crate) fn conflicts_with(&self, other: &Edit) -> bool {
        let overlap = self.range.start < other.range.end && other.range.start < self.range.end;
        let same_spot =
            self.range.start == other.range.start && (self.is_insertion() || other.is_insertion());
        overlap || same_spot
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// Names whose references this fix sends to another binding on purpose
    /// (an import moved into the functions that use it). The engine's
    /// resolution check lets these change scope, never become undefined.
    pub rebinds: Vec<String>,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix { edits, applicability: Applicability::Safe, rebinds: Vec::new() }
    }

    pub fn unsafe_(edits: Vec<Edit>) -> Fix {
        Fix { edits, applicability: Applicability::Unsafe, rebinds: Vec::new() }
    }

    pub fn display_only(edits: Vec<Edit>) -> Fix {
        Fix { edits, applicability: Applicability::DisplayOnly, rebinds: Vec::new() }
    }

    /// This fix, declaring that it moves the bindings of `names` (see
    /// `rebinds`).
    pub fn rebinding(mut self, names: impl IntoIterator<Item = String>) -> Fix {
        self.rebinds.extend(names);
        self
    }

    pub(crate) fn start(&self) -> usize {
        self.edits.iter().map(|edit| edit.range.start).min().unwrap_or(0)
    }
}

//! What a run does (check, diff, write) and how much it says.

/// How much to print besides the findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// `-s`: nothing at all; the exit status says it.
    Silent,
    /// `-q`: the findings, and no summary.
    Quiet,
    Normal,
}

/// What `--diff`, `--write` or neither do, as far as printing is concerned.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Check,
    Diff,
    Write,
}

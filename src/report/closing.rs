//! What closes a run for people: `--show-fixes` (the fixes per file) and the
//! summary (findings, fixes, and the flags that would fix more).

use std::io::{self, Write};

use crate::report::mode::Mode;
use crate::report::totals::Totals;
use crate::report::words::plural;
use crate::rule::Registry;

/// `--show-fixes`: each changed file and what was fixed in it, as ruff
/// enumerates them.
pub(crate) fn print_fixes(
    totals: &Totals,
    mode: Mode,
    registry: Registry,
    out: &mut dyn Write,
) -> io::Result<()> {
    let fixed = totals.fixed();
    if fixed == 0 {
        return Ok(());
    }
    let verb = if mode == Mode::Write { "Fixed" } else { "Would fix" };
    writeln!(out, "{verb} {}:", plural(fixed, "finding"))?;
    for file in &totals.changed {
        writeln!(out, "- {}:", file.path)?;
        for (code, count) in &file.fixes {
            let name = registry.find(code).map_or("", |rule| rule.name());
            let unsafe_count = file.unsafe_fixes.get(code).copied().unwrap_or(0);
            let note =
                if unsafe_count > 0 { format!(" ({unsafe_count} unsafe)") } else { String::new() };
            writeln!(out, "    {count} × {code} ({name}){note}")?;
        }
    }
    Ok(())
}

/// The summary: findings and fixes on `out`; in `--diff` mode on `err`,
/// so that standard output is nothing but the diff. After `--write`, the
/// fixes come first, then the `remaining` findings, then their count.
pub(crate) fn print_summary(
    totals: &Totals,
    mode: Mode,
    remaining: &[u8],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    match mode {
        Mode::Diff => diff_summary(totals, err),
        Mode::Write => write_summary(totals, remaining, out),
        Mode::Check => check_summary(totals, out),
    }
}

fn diff_summary(totals: &Totals, err: &mut dyn Write) -> io::Result<()> {
    let hint = unsafe_hint(totals.hidden_unsafe);
    match totals.fixed() {
        0 => writeln!(err, "No fixes to apply{}.{hint}", errors_note(totals)),
        fixed => writeln!(
            err,
            "Would fix {} in {} ({}).{hint}",
            plural(fixed, "finding"),
            plural(totals.files_changed, "file"),
            fixes_per_rule(totals)
        ),
    }
}

fn write_summary(totals: &Totals, remaining: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let fixed = totals.fixed();
    if fixed > 0 {
        writeln!(
            out,
            "Fixed {} in {} ({}).",
            plural(fixed, "finding"),
            plural(totals.files_changed, "file"),
            fixes_per_rule(totals)
        )?;
    }
    out.write_all(remaining)?;
    let note = errors_note(totals);
    match totals.findings {
        0 => writeln!(out, "No findings remain{note}."),
        n => {
            let hint = unsafe_hint(totals.hidden_unsafe);
            let verb = if n == 1 { "remains" } else { "remain" };
            writeln!(out, "Found {} that {verb}{note}.{hint}", plural(n, "finding"))
        }
    }
}

/// `--fix-only`: what was fixed, and nothing about what remains.
pub(crate) fn print_fixed_only(totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
    let note = errors_note(totals);
    match totals.fixed() {
        0 => writeln!(out, "No fixes applied{note}."),
        fixed => writeln!(
            out,
            "Fixed {} in {} ({}){note}.",
            plural(fixed, "finding"),
            plural(totals.files_changed, "file"),
            fixes_per_rule(totals)
        ),
    }
}

fn check_summary(totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
    let note = errors_note(totals);
    if totals.findings == 0 {
        return writeln!(out, "No findings{note}.");
    }
    writeln!(out, "Found {}{note}.", plural(totals.findings, "finding"))?;
    if totals.fixable_now > 0 {
        let flags = if totals.unsafe_fixes { "--write --unsafe-fixes" } else { "--write" };
        writeln!(out, "[*] {} fixable with `{flags}`.", totals.fixable_now)?;
    }
    let hint = unsafe_hint(totals.hidden_unsafe);
    if hint.is_empty() { Ok(()) } else { writeln!(out, "{}", hint.trim_start()) }
}

/// What a count leaves out: the files that could not be processed (their
/// errors are on standard error), so that no summary claims a clean run.
fn errors_note(totals: &Totals) -> String {
    match totals.errors {
        0 => String::new(),
        n => format!(
            " in the files pyfix could process; {} could not be (see the errors above)",
            plural(n, "file")
        ),
    }
}

/// `PF001: 2, PF002: 1`.
fn fixes_per_rule(totals: &Totals) -> String {
    totals.fixes.iter().map(|(code, n)| format!("{code}: {n}")).collect::<Vec<_>>().join(", ")
}

/// The fixes that `--unsafe-fixes` would add, as a sentence to append.
fn unsafe_hint(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        1 => " (1 more fix available with `--unsafe-fixes`.)".to_string(),
        n => format!(" ({n} more fixes available with `--unsafe-fixes`.)"),
    }
}

//! # unused-suppression (PF100)
//!
//! ## What it does
//! Finds suppression comments that suppress nothing: a `# noqa: PF001` or
//! `# pyfix: ignore[PF001]` on a line where PF001 reports nothing, a bare
//! `# pyfix: ignore` or `# pyfix: ignore-file` that silences no finding, a
//! code or name that is not a pyfix rule (`# noqa: PF999`), an
//! `ignore-file` placed after the first statement (where it applies to
//! nothing), and `# pyfix: ...` comments that are not a directive at all.
//!
//! Only rules that ran on the file are judged: with `--select PF002`, or a
//! `per-file-ignores` entry, a `# noqa: PF001` is left alone, and a bare
//! `# pyfix: ignore` is judged only when every rule ran. Other tools'
//! codes in a `# noqa` (`E501`) and a bare `# noqa` belong to flake8 and
//! ruff, and are never reported.
//!
//! ## Why is this bad?
//! A suppression outlives the finding it silenced. Once the code is fixed
//! the comment stays, and it will hide the next real finding on that line
//! without anyone deciding so. A misspelt code suppresses nothing while
//! looking as if it did, and a misplaced `ignore-file` leaves the file's
//! findings in force.
//!
//! ## Example
//! ```python
//! def add(item, items=None):  # noqa: PF001
//!     ...
//!
//! total = 0  # noqa: E501, PF999
//! ```
//!
//! Use instead:
//! ```python
//! def add(item, items=None):
//!     ...
//!
//! total = 0  # noqa: E501
//! ```
//!
//! The fix removes the unused and unknown codes, keeping the others and any
//! other comment text; a directive left with no code is removed with the
//! blanks before it, and a comment line that held nothing else goes whole.
//!
//! ## Fix safety
//! Safe: only comments change, and only codes that suppress nothing are
//! removed, so no finding appears or disappears and the code runs the same.
//! A misplaced `ignore-file` and an unknown `# pyfix:` directive are
//! reported without a fix: what they were meant to say is a guess.

use crate::rule::fix::{Edit, Fix};
use crate::rule::suppression::{
    Code, Directive, DirectiveKind, Suppressions, mentions_a_directive,
};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::syntax::module::Module;
use crate::syntax::scan::Scan;

pub struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    code: "PF100",
    name: "unused-suppression",
    fix: FixKind::Safe,
    source: include_str!("unused_suppression.rs"),
    aliases: &[],
};

impl Transform for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Only a file that mentions `noqa` or `pyfix` can hold a directive.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        mentions_a_directive(&scan.source[scan.region.clone()])
    }

    /// Nothing to find before the other rules have run.
    fn check(&self, _context: &Context<'_>) -> Vec<Diagnostic> {
        Vec::new()
    }

    fn check_suppressions(
        &self,
        context: &Context<'_>,
        suppressions: &Suppressions,
    ) -> Vec<Diagnostic> {
        suppressions
            .directives
            .iter()
            .filter_map(|directive| judge(context.module, suppressions, directive))
            .collect()
    }
}

fn judge(
    module: &Module<'_>,
    suppressions: &Suppressions,
    directive: &Directive,
) -> Option<Diagnostic> {
    let diagnostic = |message: String, fix: Option<Fix>| {
        META.report(directive.range.clone(), message).with_fix(fix)
    };
    match directive.kind {
        DirectiveKind::Unknown => {
            let text = &module.source[directive.range.clone()];
            return Some(diagnostic(
                format!(
                    "`{text}` is not a pyfix directive (use `ignore`, `ignore[...]` or `ignore-file`)"
                ),
                None,
            ));
        }
        DirectiveKind::IgnoreFile if directive.misplaced => {
            return Some(diagnostic(
                "`pyfix: ignore-file` must be on a line of its own before the first statement; here it suppresses nothing"
                    .to_string(),
                None,
            ));
        }
        // A bare `# noqa` may be there for flake8 or ruff, and a file-level
        // exemption of theirs is theirs to judge.
        DirectiveKind::Noqa if directive.is_bare() => return None,
        DirectiveKind::ForeignFile => return None,
        _ => {}
    }
    let label = match directive.kind {
        DirectiveKind::Noqa => "`noqa` directive",
        DirectiveKind::IgnoreFile => "`pyfix: ignore-file`",
        _ => "`pyfix: ignore`",
    };
    if directive.is_bare() {
        let unused = !directive.used && suppressions.all_rules_ran();
        return unused.then(|| {
            diagnostic(
                format!("unused {label}: it suppresses no finding"),
                Some(Fix::safe(vec![removal(module, directive)])),
            )
        });
    }

    let unknown: Vec<&Code> =
        directive.codes.iter().filter(|code| code.ours && code.rule.is_none()).collect();
    let unused: Vec<&Code> = directive
        .codes
        .iter()
        .filter(|code| {
            // This rule's own code is judged by nobody: its findings come
            // last. Another linter's code (`E722`) is that linter's to judge.
            code.ours
                && code
                    .rule
                    .is_some_and(|rule| rule != META.code && suppressions.ran.contains(&rule))
                && !code.used
        })
        .collect();
    if unknown.is_empty() && unused.is_empty() {
        return None;
    }
    let list = |codes: &[&Code]| {
        codes.iter().map(|code| format!("`{}`", code.text)).collect::<Vec<_>>().join(", ")
    };
    let mut parts = Vec::new();
    if !unused.is_empty() {
        parts.push(format!("unused: {}", list(&unused)));
    }
    if !unknown.is_empty() {
        parts.push(format!("unknown: {}", list(&unknown)));
    }
    let dropped = |code: &Code| unknown.iter().chain(&unused).any(|gone| std::ptr::eq(*gone, code));
    let kept: Vec<&Code> = directive.codes.iter().filter(|code| !dropped(code)).collect();
    let edit = match (&directive.list, kept.is_empty()) {
        (Some(list), false) => Edit::replace(
            list.clone(),
            kept.iter().map(|code| code.text.as_str()).collect::<Vec<_>>().join(", "),
        ),
        _ => removal(module, directive),
    };
    Some(diagnostic(format!("unused {label} ({})", parts.join("; ")), Some(Fix::safe(vec![edit]))))
}

/// The edit that takes a whole directive out of its comment, keeping any
/// other text the comment holds.
fn removal(module: &Module<'_>, directive: &Directive) -> Edit {
    let source = module.source;
    let (comment, range) = (&directive.comment, &directive.range);
    let blanks_before = |offset: usize| source[..offset].trim_end_matches([' ', '\t']).len();
    if range.end == comment.end {
        if range.start == comment.start && module.starts_line(comment.start) {
            // A comment line that held only the directive goes whole.
            return Edit::delete(
                module.line_start(comment.start)..module.next_line_start(comment.start),
            );
        }
        // The last thing on the line: it goes with the blanks before it.
        return Edit::delete(blanks_before(range.start)..range.end);
    }
    // More comment follows: `# noqa: PF001  # why` keeps `# why`, and
    // `# noqa: PF001 why` keeps `# why` too.
    let rest = &source[range.end..comment.end];
    let after = rest.trim_start_matches([' ', '\t']);
    let through = range.end + (rest.len() - after.len());
    if after.starts_with('#') {
        Edit::delete(range.start..through)
    } else {
        Edit::replace(range.start..through, "# ")
    }
}

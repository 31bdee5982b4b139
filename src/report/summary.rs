//! `--summary FILE`: a Markdown pull-request description of what `--write`
//! (or `--diff`) changed, for bots that open a pull request with the fixes.
//! For each rule: how many fixes, why the pattern is a problem (the rule's
//! "Why is this bad?"), and for unsafe fixes what a reviewer should check
//! (its "Fix safety").

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::report::mode::Mode;
use crate::report::totals::Totals;
use crate::report::words::{plural, section};
use crate::rule::Registry;

/// The description, in Markdown.
pub fn markdown(totals: &Totals, mode: Mode, registry: Registry) -> String {
    let mut out = String::new();
    let fixed: usize = totals.fixes.values().sum();
    let verb = if mode == Mode::Write { "fixes" } else { "would fix" };
    if fixed == 0 {
        let _ = writeln!(
            out,
            "## pyfix: nothing to fix\n\npyfix found nothing it could fix with these settings."
        );
        remaining(&mut out, totals);
        return out;
    }
    let _ = writeln!(
        out,
        "## pyfix {verb} {} in {}\n",
        plural(fixed, "finding"),
        plural(totals.files_changed, "file")
    );
    let _ = writeln!(
        out,
        "Each fix changes only the bytes it must; every changed file was re-parsed before it was \
         written. Details per rule follow; unsafe fixes can change behaviour and need a reviewer's eye.\n"
    );

    let unsafe_per_rule = unsafe_counts(totals);
    for (code, count) in &totals.fixes {
        let Some(rule) = registry.find(code) else { continue };
        let doc = rule.meta().documentation();
        let unsafe_count = unsafe_per_rule.get(code).copied().unwrap_or(0);
        let safety = match unsafe_count {
            0 => "safe".to_string(),
            n if n == *count => "unsafe".to_string(),
            n => format!("{n} of them unsafe"),
        };
        let _ =
            writeln!(out, "### {code} `{}`: {} ({safety})\n", rule.name(), plural(*count, "fix"));
        if let Some(why) = section(&doc, "## Why is this bad?") {
            let _ = writeln!(out, "{}\n", lead(&why));
        }
        let _ = writeln!(out, "Run `pyfix --explain {code}` for the full documentation.\n");
    }

    let _ = writeln!(out, "### Files changed\n");
    let _ = writeln!(out, "| file | fixes |\n|---|---|");
    for file in &totals.changed {
        let fixes: Vec<String> = file
            .fixes
            .iter()
            .map(|(code, count)| {
                let unsafe_count = file.unsafe_fixes.get(code).copied().unwrap_or(0);
                let note = if unsafe_count > 0 {
                    format!(" ({unsafe_count} unsafe)")
                } else {
                    String::new()
                };
                format!("{code} × {count}{note}")
            })
            .collect();
        let _ = writeln!(out, "| `{}` | {} |", file.path.replace('|', "\\|"), fixes.join(", "));
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "### What to check\n");
    if unsafe_per_rule.is_empty() {
        let _ = writeln!(
            out,
            "Every fix here is safe: it keeps the code's behaviour. A quick read of the diff is enough.\n"
        );
    } else {
        for (code, count) in &unsafe_per_rule {
            let Some(rule) = registry.find(code) else { continue };
            let files: Vec<&str> = totals
                .changed
                .iter()
                .filter(|file| file.unsafe_fixes.contains_key(code))
                .map(|file| file.path.as_str())
                .collect();
            let safety = section(&rule.meta().documentation(), "## Fix safety").unwrap_or_default();
            let _ = writeln!(
                out,
                "- [ ] **{code} `{}`**, {} (in {}): {}",
                rule.name(),
                plural(*count, "unsafe fix"),
                files.iter().map(|file| format!("`{file}`")).collect::<Vec<_>>().join(", "),
                first_paragraph(&safety)
            );
        }
        let _ = writeln!(out);
    }
    remaining(&mut out, totals);
    out
}

fn unsafe_counts(totals: &Totals) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for file in &totals.changed {
        for (code, count) in &file.unsafe_fixes {
            *counts.entry(*code).or_default() += count;
        }
    }
    counts
}

fn remaining(out: &mut String, totals: &Totals) {
    if totals.findings > 0 {
        let _ = writeln!(
            out,
            "{} remain that this run did not fix (no fix, or an unsafe fix not enabled): run `pyfix` to list them.",
            plural(totals.findings, "finding")
        );
    }
}

/// The first paragraph of a section, with what it introduces when it ends
/// with a colon (an example), as Markdown.
fn lead(text: &str) -> String {
    let blocks = blocks(text);
    let mut lead = first_paragraph(text);
    let mut introduces = lead.ends_with(':');
    let mut rest = blocks.iter().skip(1);
    while introduces {
        let Some(next) = rest.next() else { break };
        lead.push_str("\n\n");
        lead.push_str(next);
        introduces = next.ends_with(':');
    }
    lead
}

/// The paragraphs and code blocks of a documentation section. A fenced
/// code block is one block even when it holds blank lines: cutting it at
/// one would leave its fence open, and everything after it would render as
/// code.
fn blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if line.trim().is_empty() && !in_fence {
            if !current.is_empty() {
                blocks.push(current.join("\n").trim_end().to_string());
                current.clear();
            }
            continue;
        }
        current.push(line);
    }
    if !current.is_empty() {
        blocks.push(current.join("\n").trim_end().to_string());
    }
    blocks
}

/// The first paragraph of a documentation section, on one line.
fn first_paragraph(text: &str) -> String {
    text.trim().split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_block_with_blank_lines_stays_whole() {
        let why = "Shared:\n\n```python\ndef f(x=[]):\n    pass\n\nf()\n```\n\nMore.";
        assert_eq!(lead(why), "Shared:\n\n```python\ndef f(x=[]):\n    pass\n\nf()\n```");
    }

    #[test]
    fn a_lead_ending_in_a_colon_keeps_its_example() {
        let why = "Shared\nstate:\n\n```python\nx = 1\n```\n\nMore.";
        assert_eq!(lead(why), "Shared state:\n\n```python\nx = 1\n```");
        assert_eq!(lead("One.\n\nTwo."), "One.");
    }

    #[test]
    fn takes_the_first_paragraph() {
        assert_eq!(
            first_paragraph("A default is\nevaluated once.\n\n```python\nx\n```"),
            "A default is evaluated once."
        );
    }
}

//! What pyfix prints about the files it processed: the findings in the
//! format `--output-format` names, `--statistics`, the fixes it made, the
//! closing summary, and the Markdown description of `--summary`.

mod closing;
pub mod diff;
mod format;
mod paint;
mod printer;
mod statistics;
pub mod summary;
mod totals;

pub use format::OutputFormat;
pub use paint::Paint;
pub use printer::{Printer, PrinterOptions};
pub use totals::{ChangedFile, FileResult, Totals};

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

/// `1 finding`, `2 findings`, `2 fixes`.
pub fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ if noun.ends_with('x') => format!("{count} {noun}es"),
        _ => format!("{count} {noun}s"),
    }
}

/// The text of a `## Heading` section of a rule's documentation.
pub fn section(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(heading)? + heading.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_doc_sections() {
        let doc =
            "# x (PF1)\n\n## What it does\nFinds things. More.\n\n## Why is this bad?\nBad.\n";
        assert_eq!(section(doc, "## What it does").as_deref(), Some("Finds things. More."));
        assert_eq!(section(doc, "## Fix safety"), None);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "fix"), "1 fix");
        assert_eq!(plural(2, "fix"), "2 fixes");
        assert_eq!(plural(0, "finding"), "0 findings");
    }
}

//! The formats of `--output-format`, one printer each behind
//! `FormatPrinter`. `printer_for` is the one place that picks among them.

mod concise;
mod full;
mod github;
mod json;
mod printer;
mod sarif;

pub(crate) use printer::FormatPrinter;

use crate::report::paint::Paint;
use crate::rule::Registry;

/// The formats of `--output-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per finding: `path:line:col: CODE [*] message`.
    Concise,
    /// Each finding with the source it points at and the fix it offers.
    Full,
    /// A JSON array of findings, each with its fix's edits and applicability.
    Json,
    /// GitHub Actions workflow commands (`::warning file=...`), one per finding.
    Github,
    /// A SARIF 2.1.0 log, for code-scanning services.
    Sarif,
}

/// The printer for `format`.
pub(crate) fn printer_for(
    format: OutputFormat,
    paint: Paint,
    registry: Registry,
    docs_url: Option<String>,
) -> Box<dyn FormatPrinter> {
    match format {
        OutputFormat::Concise => Box::new(concise::Concise::new(paint)),
        OutputFormat::Full => Box::new(full::Full::new(paint)),
        OutputFormat::Json => Box::new(json::Json::new(registry, docs_url)),
        OutputFormat::Github => Box::new(github::Github),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(registry, docs_url)),
    }
}

/// A finding on `line` whose fix, if any, replaces its first character.
#[cfg(test)]
fn sample_finding(
    line: usize,
    fix: Option<crate::rule::fix::Applicability>,
) -> crate::engine::Finding {
    let edits = match fix {
        Some(_) => vec![crate::engine::FindingEdit {
            range: 0..1,
            start: (line, 1),
            end: (line, 2),
            content: "x = \"a\\nb\"".to_string(),
        }],
        None => Vec::new(),
    };
    crate::engine::Finding {
        code: "PF001",
        range: 0..1,
        suppression_line: line,
        line,
        column: 1,
        message: "50% \"quoted\"\nand a new line".to_string(),
        fix,
        end_line: line,
        end_column: 2,
        edits,
    }
}

/// Streams the first 0, 1, 2, 3 of three sample findings (of one file)
/// through a fresh printer each time, and hands each output to `check`
/// with the findings shown, so a test can compare it with the document
/// serde writes in one go.
#[cfg(test)]
fn check_streaming(
    new_printer: impl Fn() -> Box<dyn FormatPrinter>,
    check: impl Fn(&crate::report::totals::FileResult<'_>, &[crate::engine::Finding], String),
) {
    use crate::rule::fix::Applicability;
    let findings = vec![
        sample_finding(1, Some(Applicability::Safe)),
        sample_finding(2, None),
        sample_finding(3, Some(Applicability::Unsafe)),
    ];
    let report = crate::engine::FileReport { findings, ..crate::engine::FileReport::default() };
    let file = crate::report::totals::FileResult {
        path: "a b.py",
        report: &report,
        text: "",
        threshold: Applicability::Safe,
    };
    for count in 0..=report.findings.len() {
        let shown = &report.findings[..count];
        let mut printer = new_printer();
        let mut out = Vec::new();
        printer.start(&mut out).expect("writing to a Vec");
        for finding in shown {
            printer.finding(&file, finding, &mut out).expect("writing to a Vec");
        }
        printer.finish(&mut out).expect("writing to a Vec");
        check(&file, shown, String::from_utf8(out).expect("UTF-8 output"));
    }
}

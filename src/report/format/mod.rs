//! The formats of `--output-format`, one printer each behind
//! `FormatPrinter`. `printer_for` is the one place that picks among them.

mod concise;
mod full;
mod github;
mod json;
mod sarif;

use std::io::{self, Write};

use crate::engine::Finding;
use crate::report::paint::Paint;
use crate::report::statistics::Statistics;
use crate::report::totals::FileResult;
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

/// Writes findings in one format as the files come in: `start` once before
/// the first finding, `finding` for each, `finish` once after the last (the
/// document formats open and close their document there).
///
/// `Send + Sync` so that a `Printer` can still cross threads as it could
/// before it held one of these.
pub(crate) trait FormatPrinter: Send + Sync {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Writes one finding of `file`.
    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()>;

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Whether the findings are for a program (a document, or GitHub's
    /// annotations): no human text may join them.
    fn is_machine_readable(&self) -> bool {
        false
    }

    /// `--statistics`, which replace the findings: a table for people
    /// unless the format has a shape of its own.
    fn statistics(&self, statistics: &Statistics, out: &mut dyn Write) -> io::Result<()> {
        statistics.write_table(out)
    }

    /// Whether `statistics` writes a document, which no human text may join.
    fn statistics_are_machine_readable(&self) -> bool {
        false
    }
}

/// The printer for `format`.
pub(crate) fn printer_for(
    format: OutputFormat,
    paint: Paint,
    registry: Registry,
) -> Box<dyn FormatPrinter> {
    match format {
        OutputFormat::Concise => Box::new(concise::Concise::new(paint)),
        OutputFormat::Full => Box::new(full::Full::new(paint)),
        OutputFormat::Json => Box::new(json::Json::new(registry)),
        OutputFormat::Github => Box::new(github::Github),
        OutputFormat::Sarif => Box::new(sarif::Sarif::new(registry)),
    }
}

/// A finding on `line` whose fix, if any, replaces its first character.
#[cfg(test)]
fn sample_finding(line: usize, fix: Option<crate::rule::fix::Applicability>) -> Finding {
    let edits = match fix {
        Some(_) => vec![crate::engine::FindingEdit {
            range: 0..1,
            start: (line, 1),
            end: (line, 2),
            content: "x = \"a\\nb\"".to_string(),
        }],
        None => Vec::new(),
    };
    Finding {
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

//! `--output-format json`: a JSON array of findings in ruff's shape (with
//! pyfix's rule name added), each with its fix's edits; with
//! `--statistics`, an array of rules and their counts instead.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Finding, FindingEdit};
use crate::report::format::printer::FormatPrinter;
use crate::report::statistics::{Statistics, StatisticsRow};
use crate::report::totals::FileResult;
use crate::rule::{Registry, docs};

pub(crate) struct Json {
    /// The rules a finding's code can name.
    registry: Registry,
    /// Where the rule pages are (see `rule::docs::page_url`).
    docs_url: Option<String>,
    /// Whether a finding was written, so the next one needs a comma.
    wrote_element: bool,
}

impl Json {
    pub(crate) fn new(registry: Registry, docs_url: Option<String>) -> Json {
        Json { registry, docs_url, wrote_element: false }
    }
}

// The array is written a finding at a time, as the files come in, so its
// brackets and commas are written here; each finding is one serde value,
// laid out as `serde_json::to_writer_pretty` lays out a whole array.
impl FormatPrinter for Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[")
    }

    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let separator = if self.wrote_element { ",\n  " } else { "\n  " };
        self.wrote_element = true;
        let element = serde_json::to_string_pretty(&JsonFinding::new(
            file,
            finding,
            self.registry,
            self.docs_url.as_deref(),
        ))?;
        // Indented one level, as an array's element. Every line break of
        // pretty JSON is layout: strings have theirs escaped.
        write!(out, "{separator}{}", element.replace('\n', "\n  "))
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.wrote_element { out.write_all(b"\n]\n") } else { out.write_all(b"]\n") }
    }

    fn is_machine_readable(&self) -> bool {
        true
    }

    fn statistics(&self, statistics: &Statistics, out: &mut dyn Write) -> io::Result<()> {
        let rows: Vec<StatisticsRow> = statistics.rows().collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)
    }

    fn statistics_are_machine_readable(&self) -> bool {
        true
    }
}

// The fields are declared in alphabetical order, the order this output has
// always had (it used to be built from maps, which sort their keys): tools
// may compare it byte for byte.

/// One finding in ruff's JSON shape, with pyfix's rule name added.
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    end_location: Location,
    filename: &'a str,
    fix: Option<JsonFix<'a>>,
    location: Location,
    message: &'a str,
    /// The rule's name, for a code the registry knows.
    name: Option<&'static str>,
    /// The line where a `# noqa` comment for the finding goes.
    noqa_row: usize,
    /// The rule's page: `docs/rules/PF001.md` in the repository, or under
    /// the configured `docs-url`.
    url: String,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    applied_by_this_run: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    end_location: Location,
    location: Location,
}

/// A 1-based line (`row`) and column in characters.
#[derive(Serialize)]
struct Location {
    column: usize,
    row: usize,
}

impl<'a> JsonFinding<'a> {
    fn new(
        file: &'a FileResult<'_>,
        finding: &'a Finding,
        registry: Registry,
        docs_url: Option<&str>,
    ) -> JsonFinding<'a> {
        let fix = finding.fix.map(|applicability| JsonFix {
            applicability: applicability.label(),
            applied_by_this_run: file.fixable(finding),
            edits: finding.edits.iter().map(JsonEdit::new).collect(),
        });
        JsonFinding {
            code: finding.code,
            end_location: Location::new((finding.end_line, finding.end_column)),
            filename: file.path,
            fix,
            location: Location::new((finding.line, finding.column)),
            message: &finding.message,
            name: registry.find(finding.code).map(|rule| rule.name()),
            noqa_row: finding.suppression_line,
            url: docs::page_url(finding.code, docs_url),
        }
    }
}

impl<'a> JsonEdit<'a> {
    fn new(edit: &'a FindingEdit) -> JsonEdit<'a> {
        JsonEdit {
            content: &edit.content,
            end_location: Location::new(edit.end),
            location: Location::new(edit.start),
        }
    }
}

impl Location {
    fn new((row, column): (usize, usize)) -> Location {
        Location { column, row }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::format::check_streaming;

    #[test]
    fn streamed_findings_read_as_serde_lays_out_the_whole_array() {
        let registry = Registry::new(&[]);
        check_streaming(
            || Box::new(Json::new(registry, None)),
            |file, shown, out| {
                let whole: Vec<JsonFinding> = shown
                    .iter()
                    .map(|finding| JsonFinding::new(file, finding, registry, None))
                    .collect();
                assert_eq!(out, serde_json::to_string_pretty(&whole).unwrap() + "\n");
            },
        );
    }
}

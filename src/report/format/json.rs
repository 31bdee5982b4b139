//! `--output-format json`: a JSON array of findings in ruff's shape (with
//! pyfix's rule name added), each with its fix's edits; with
//! `--statistics`, an array of rules and their counts instead.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::engine::Finding;
use crate::report::format::FormatPrinter;
use crate::report::statistics::Statistics;
use crate::report::totals::FileResult;
use crate::rule::Registry;

pub(crate) struct Json {
    /// The rules a finding's code can name.
    registry: Registry,
    /// Whether an element was written (for the commas).
    wrote_element: bool,
}

impl Json {
    pub(crate) fn new(registry: Registry) -> Json {
        Json { registry, wrote_element: false }
    }
}

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
        let element = serde_json::to_string_pretty(&json_finding(file, finding, self.registry))?;
        write!(out, "{separator}{}", element.replace('\n', "\n  "))
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.wrote_element { out.write_all(b"\n]\n") } else { out.write_all(b"]\n") }
    }

    fn is_machine_readable(&self) -> bool {
        true
    }

    fn statistics(&self, statistics: &Statistics, out: &mut dyn Write) -> io::Result<()> {
        let rows: Vec<Value> = statistics
            .rows()
            .map(|row| {
                json!({
                    "code": row.code,
                    "name": row.name,
                    "count": row.count,
                    "fixable": row.fixable,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)
    }

    fn statistics_are_machine_readable(&self) -> bool {
        true
    }
}

fn location(line: usize, column: usize) -> Value {
    json!({ "row": line, "column": column })
}

/// One finding in ruff's JSON shape, with pyfix's rule name added.
fn json_finding(file: &FileResult<'_>, finding: &Finding, registry: Registry) -> Value {
    let fix = finding.fix.map(|applicability| {
        let edits: Vec<Value> = finding
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "content": edit.content,
                    "location": location(edit.start.0, edit.start.1),
                    "end_location": location(edit.end.0, edit.end.1),
                })
            })
            .collect();
        json!({
            "applicability": applicability.label(),
            "applied_by_this_run": file.fixable(finding),
            "edits": edits,
        })
    });
    json!({
        "code": finding.code,
        "name": registry.find(finding.code).map(|rule| rule.name()),
        "message": finding.message,
        "filename": file.path,
        "location": location(finding.line, finding.column),
        "end_location": location(finding.end_line, finding.end_column),
        "noqa_row": finding.suppression_line,
        "fix": fix,
    })
}

//! `--output-format sarif`: a SARIF 2.1.0 log for code-scanning services,
//! with every rule in the tool's driver and one result per finding.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::engine::Finding;
use crate::report::format::FormatPrinter;
use crate::report::section;
use crate::report::totals::FileResult;
use crate::rule::Registry;

pub(crate) struct Sarif {
    /// Every rule, in the driver; a result names its rule by position.
    registry: Registry,
    /// Whether a result was written (for the commas).
    wrote_result: bool,
}

impl Sarif {
    pub(crate) fn new(registry: Registry) -> Sarif {
        Sarif { registry, wrote_result: false }
    }
}

impl FormatPrinter for Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write_sarif_head(out, self.registry)
    }

    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let separator = if self.wrote_result { "," } else { "" };
        self.wrote_result = true;
        write!(
            out,
            "{separator}{}",
            serde_json::to_string(&sarif_result(file, finding, self.registry))?
        )
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"]}]}\n")
    }

    fn is_machine_readable(&self) -> bool {
        true
    }
}

/// The start of the SARIF log, up to the opening of `results`: the tool and
/// every rule, so that results can follow as they come.
fn write_sarif_head(out: &mut dyn Write, registry: Registry) -> io::Result<()> {
    let rules: Vec<Value> = registry
        .rules()
        .iter()
        .map(|rule| {
            let doc = rule.meta().documentation();
            let summary =
                section(&doc, "## What it does").unwrap_or_else(|| rule.name().to_string());
            json!({
                "id": rule.code(),
                "name": rule.name(),
                "shortDescription": { "text": first_sentence(&summary) },
                "fullDescription": { "text": summary },
                "help": { "text": doc, "markdown": doc },
                "properties": { "fix": rule.meta().fix.to_string() },
            })
        })
        .collect();
    let tool = json!({ "driver": {
        "name": "pyfix",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://pypi.org/project/pyfix/",
        "rules": rules,
    }});
    // Written by hand up to the opening of `results`, so that the results
    // can follow one by one as the files come in.
    write!(
        out,
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\
         \"runs\":[{{\"tool\":{},\"columnKind\":\"unicodeCodePoints\",\"results\":[",
        serde_json::to_string(&tool)?
    )
}

fn sarif_region(start: (usize, usize), end: (usize, usize)) -> Value {
    json!({ "startLine": start.0, "startColumn": start.1, "endLine": end.0, "endColumn": end.1 })
}

fn sarif_result(file: &FileResult<'_>, finding: &Finding, registry: Registry) -> Value {
    let artifact = json!({ "uri": file.path.replace(' ', "%20") });
    let mut result = json!({
        "ruleId": finding.code,
        "ruleIndex": registry.position(finding.code),
        "level": "warning",
        "message": { "text": finding.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": artifact,
            "region": sarif_region((finding.line, finding.column), (finding.end_line, finding.end_column)),
        }}],
    });
    if let (Some(applicability), false) = (finding.fix, finding.edits.is_empty()) {
        let replacements: Vec<Value> = finding
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "deletedRegion": sarif_region(edit.start, edit.end),
                    "insertedContent": { "text": edit.content },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": format!("{} fix", applicability.label()) },
            "artifactChanges": [{ "artifactLocation": artifact, "replacements": replacements }],
        }]);
    }
    result
}

fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_string(),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_first_sentence() {
        assert_eq!(first_sentence("Finds things.\nMore."), "Finds things.");
        assert_eq!(first_sentence("No full stop"), "No full stop");
    }
}

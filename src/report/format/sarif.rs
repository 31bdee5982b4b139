//! `--output-format sarif`: a SARIF 2.1.0 log for code-scanning services,
//! with every rule in the tool's driver and one result per finding.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Finding, FindingEdit};
use crate::report::format::printer::FormatPrinter;
use crate::report::totals::FileResult;
use crate::report::words::section;
use crate::rule::{Registry, Transform, docs};

pub(crate) struct Sarif {
    /// Every rule, in the driver; a result names its rule by position.
    registry: Registry,
    /// The base URL of the rule pages, when the configuration gives one.
    docs_url: Option<String>,
    /// Whether a result was written, so the next one needs a comma.
    wrote_result: bool,
    /// What follows the results, up to the end of the log.
    after_results: String,
}

impl Sarif {
    pub(crate) fn new(registry: Registry, docs_url: Option<String>) -> Sarif {
        Sarif { registry, docs_url, wrote_result: false, after_results: String::new() }
    }
}

// The results are written one at a time, as the files come in: the log is
// serialised without them and cut where they go (see `split_at_results`),
// and only the commas between results are written here.
impl FormatPrinter for Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let log = serde_json::to_string(&SarifLog::without_results(
            self.registry,
            self.docs_url.as_deref(),
        ))?;
        let (head, tail) = split_at_results(&log)?;
        self.after_results = tail.to_string();
        out.write_all(head.as_bytes())
    }

    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if self.wrote_result {
            out.write_all(b",")?;
        }
        self.wrote_result = true;
        serde_json::to_writer(&mut *out, &SarifResult::new(file, finding, self.registry))?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.after_results)
    }

    fn is_machine_readable(&self) -> bool {
        true
    }
}

/// The log up to the `[` that opens `results`, and the rest. `results` is
/// the last field of the only run, the last field of the log: in a log
/// without results, the last `[]` is theirs.
fn split_at_results(log: &str) -> io::Result<(&str, &str)> {
    let empty_results = log
        .rfind("[]")
        .ok_or_else(|| io::Error::other("the SARIF log has no place for its results"))?;
    Ok(log.split_at(empty_results + 1))
}

// The fields are declared in the order this output has always had: the
// log's and the run's as they were written by hand, all others alphabetical
// (they used to be built from maps, which sort their keys), since tools may
// compare the log byte for byte.

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Columns count characters, as pyfix's do.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    /// The documentation's "What it does".
    full_description: Text<'static>,
    help: Help,
    /// The rule's page. SARIF wants an absolute URI here, so only a
    /// configured `docs-url` gives one; the page's path in the repository
    /// is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    id: &'static str,
    name: &'static str,
    properties: RuleProperties,
    short_description: Text<'static>,
}

/// The rule's whole documentation.
#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct RuleProperties {
    /// The fix the rule offers, if any, and how safe it is.
    fix: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    level: &'static str,
    locations: [Location; 1],
    message: Text<'a>,
    rule_id: &'a str,
    /// The rule's position in the driver's `rules`.
    rule_index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Clone, Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// 1-based lines and columns, the end exclusive.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: [ArtifactChange<'a>; 1],
    description: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

/// SARIF's message object: `{"text": ...}`.
#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

impl SarifLog<'_> {
    /// The log of `registry`'s rules, their pages under `docs_url`. The
    /// driver has no `informationUri`: SARIF wants an absolute URI there,
    /// and pyfix has no public address yet.
    fn without_results(registry: Registry, docs_url: Option<&str>) -> SarifLog<'static> {
        let driver = Driver {
            name: "pyfix",
            rules: registry.rules().iter().map(|rule| Rule::new(*rule, docs_url)).collect(),
            version: env!("CARGO_PKG_VERSION"),
        };
        SarifLog {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            version: "2.1.0",
            runs: [Run {
                tool: Tool { driver },
                column_kind: "unicodeCodePoints",
                results: Vec::new(),
            }],
        }
    }
}

impl Rule {
    fn new(rule: &dyn Transform, docs_url: Option<&str>) -> Rule {
        let doc = rule.meta().documentation();
        let summary = section(&doc, "## What it does").unwrap_or_else(|| rule.name().to_string());
        Rule {
            short_description: Text::from(first_sentence(&summary)),
            full_description: Text::from(summary),
            help: Help { markdown: doc.clone(), text: doc },
            help_uri: docs_url.map(|base| docs::page_url(rule.code(), Some(base))),
            id: rule.code(),
            name: rule.name(),
            properties: RuleProperties { fix: rule.meta().fix.to_string() },
        }
    }
}

impl<'a> SarifResult<'a> {
    fn new(file: &FileResult<'_>, finding: &'a Finding, registry: Registry) -> SarifResult<'a> {
        // A URI has no spaces; the rest of a relative path is left as it is.
        let artifact = ArtifactLocation { uri: file.path.replace(' ', "%20") };
        let fixes = match finding.fix {
            Some(applicability) if !finding.edits.is_empty() => Some([SarifFix {
                artifact_changes: [ArtifactChange {
                    artifact_location: artifact.clone(),
                    replacements: finding.edits.iter().map(Replacement::new).collect(),
                }],
                description: Text::from(format!("{} fix", applicability.label())),
            }]),
            _ => None,
        };
        SarifResult {
            fixes,
            level: "warning",
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact,
                    region: Region::new(
                        (finding.line, finding.column),
                        (finding.end_line, finding.end_column),
                    ),
                },
            }],
            message: Text::from(finding.message.as_str()),
            rule_id: finding.code,
            rule_index: registry.position(finding.code),
        }
    }
}

impl<'a> Replacement<'a> {
    fn new(edit: &'a FindingEdit) -> Replacement<'a> {
        Replacement {
            deleted_region: Region::new(edit.start, edit.end),
            inserted_content: Text::from(edit.content.as_str()),
        }
    }
}

impl Region {
    fn new(start: (usize, usize), end: (usize, usize)) -> Region {
        Region { end_column: end.1, end_line: end.0, start_column: start.1, start_line: start.0 }
    }
}

impl<'a, T: Into<Cow<'a, str>>> From<T> for Text<'a> {
    fn from(text: T) -> Text<'a> {
        Text { text: text.into() }
    }
}

/// The first sentence of a paragraph, on one line.
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
    use crate::report::format::check_streaming;

    #[test]
    fn takes_the_first_sentence() {
        assert_eq!(first_sentence("Finds things.\nMore."), "Finds things.");
        assert_eq!(first_sentence("No full stop"), "No full stop");
    }

    #[test]
    fn streamed_results_read_as_serde_writes_the_whole_log() {
        let registry = Registry::new(&[]);
        check_streaming(
            || Box::new(Sarif::new(registry, None)),
            |file, shown, out| {
                let mut whole = SarifLog::without_results(registry, None);
                whole.runs[0].results =
                    shown.iter().map(|finding| SarifResult::new(file, finding, registry)).collect();
                assert_eq!(out, serde_json::to_string(&whole).unwrap() + "\n");
            },
        );
    }

    #[test]
    fn cuts_the_log_where_the_results_go() {
        let log = serde_json::to_string(&SarifLog::without_results(Registry::new(&[]), None))
            .expect("a log serialises");
        let (head, tail) = split_at_results(&log).expect("the log has results");
        assert!(head.ends_with(r#""columnKind":"unicodeCodePoints","results":["#), "{head}");
        assert_eq!(tail, "]}]}");
    }
}

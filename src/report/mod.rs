//! What pyfix prints about the files it processed: the findings in one of
//! several formats (`--output-format`), statistics, the fixes it made, and
//! the closing summary. Colour only when the stream is a terminal (or
//! `FORCE_COLOR` says so) and `NO_COLOR` does not forbid it.

pub mod diff;
mod paint;
pub mod summary;
mod totals;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::engine::Finding;
use crate::report::diff::unified_diff;
use crate::rule::Registry;
use crate::rule::fix::Applicability;

pub use paint::Paint;
use paint::{BOLD, CODE, CYAN, GUTTER, RED, split_line_end};
pub use totals::{ChangedFile, FileResult, Totals};

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

/// Prints findings as they come, in one format, and what closes the run.
pub struct Printer {
    format: OutputFormat,
    statistics: bool,
    show_fixes: bool,
    level: LogLevel,
    mode: Mode,
    paint: Paint,
    /// The rules a finding's code can name.
    registry: Registry,
    /// Per rule: findings and how many of them are fixable, for `--statistics`.
    counts: BTreeMap<&'static str, (usize, usize)>,
    /// Whether a JSON or SARIF element was written (for the commas).
    wrote_element: bool,
    started: bool,
    /// `--write` prints what it fixed first and then what remains: the
    /// remaining findings (in the human formats) wait here.
    held: Vec<u8>,
}

pub struct PrinterOptions {
    pub format: OutputFormat,
    pub statistics: bool,
    pub show_fixes: bool,
    pub level: LogLevel,
    pub mode: Mode,
    pub paint: Paint,
    pub registry: Registry,
}

impl Printer {
    pub fn new(options: PrinterOptions) -> Printer {
        Printer {
            format: options.format,
            statistics: options.statistics,
            show_fixes: options.show_fixes,
            level: options.level,
            mode: options.mode,
            paint: options.paint,
            registry: options.registry,
            counts: BTreeMap::new(),
            wrote_element: false,
            started: false,
            held: Vec::new(),
        }
    }

    /// Whether the findings themselves are printed (not in `--diff` mode,
    /// nor with `--statistics`, nor with `-s`).
    fn prints_findings(&self) -> bool {
        self.mode != Mode::Diff && !self.statistics && self.level > LogLevel::Silent
    }

    /// A machine-readable document (or GitHub's annotations) is on `out`:
    /// no human summary may join it.
    pub fn is_machine_readable(&self) -> bool {
        matches!(self.format, OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Github)
            && self.prints_findings()
            || (self.statistics && self.format == OutputFormat::Json)
    }

    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        if !self.prints_findings() {
            return Ok(());
        }
        match self.format {
            OutputFormat::Json => out.write_all(b"["),
            OutputFormat::Sarif => write_sarif_head(out, self.registry),
            _ => Ok(()),
        }
    }

    pub fn file(&mut self, file: &FileResult<'_>, out: &mut dyn Write) -> io::Result<()> {
        if self.holds_findings() {
            let mut held = std::mem::take(&mut self.held);
            let written = self.file_to(file, &mut held);
            self.held = held;
            return written;
        }
        self.file_to(file, out)
    }

    /// After `--write`, a human summary starts with the fixes, so the
    /// findings that remain wait for it.
    fn holds_findings(&self) -> bool {
        self.mode == Mode::Write
            && self.level == LogLevel::Normal
            && matches!(self.format, OutputFormat::Concise | OutputFormat::Full)
    }

    fn file_to(&mut self, file: &FileResult<'_>, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        for finding in &file.report.findings {
            let counts = self.counts.entry(finding.code).or_default();
            counts.0 += 1;
            counts.1 += usize::from(file.fixable(finding));
        }
        if !self.prints_findings() {
            return Ok(());
        }
        for finding in &file.report.findings {
            match self.format {
                OutputFormat::Concise => writeln!(out, "{}", self.concise(file, finding))?,
                OutputFormat::Full => self.full(file, finding, out)?,
                OutputFormat::Github => writeln!(out, "{}", github(file, finding))?,
                OutputFormat::Json => {
                    let separator = if self.wrote_element { ",\n  " } else { "\n  " };
                    self.wrote_element = true;
                    let element =
                        serde_json::to_string_pretty(&json_finding(file, finding, self.registry))?;
                    write!(out, "{separator}{}", element.replace('\n', "\n  "))?;
                }
                OutputFormat::Sarif => {
                    let separator = if self.wrote_element { "," } else { "" };
                    self.wrote_element = true;
                    write!(
                        out,
                        "{separator}{}",
                        serde_json::to_string(&sarif_result(file, finding, self.registry))?
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Ends the document, prints `--statistics` and `--show-fixes`, then
    /// the summary (on `summary`, which is standard error in `--diff` mode).
    pub fn finish(
        &mut self,
        totals: &Totals,
        out: &mut dyn Write,
        summary: &mut dyn Write,
    ) -> io::Result<()> {
        self.start(out)?;
        if self.prints_findings() {
            match self.format {
                OutputFormat::Json if self.wrote_element => out.write_all(b"\n]\n")?,
                OutputFormat::Json => out.write_all(b"]\n")?,
                OutputFormat::Sarif => out.write_all(b"]}]}\n")?,
                _ => {}
            }
        }
        if self.statistics && self.level > LogLevel::Silent {
            self.print_statistics(out)?;
        }
        if self.level < LogLevel::Normal || self.is_machine_readable() {
            return Ok(());
        }
        if self.show_fixes {
            let target: &mut dyn Write =
                if self.mode == Mode::Diff { &mut *summary } else { &mut *out };
            print_fixes(totals, self.mode, self.registry, target)?;
        }
        print_summary(totals, self.mode, &self.held, out, summary)
    }

    fn concise(&self, file: &FileResult<'_>, finding: &Finding) -> String {
        let mark =
            if file.fixable(finding) { self.paint.paint(CYAN, "[*] ") } else { String::new() };
        format!(
            "{}:{}:{}: {} {mark}{}",
            self.paint.paint(BOLD, file.path),
            finding.line,
            finding.column,
            self.paint.paint(CODE, finding.code),
            finding.message
        )
    }

    /// The concise line, the source lines the finding covers with a caret
    /// line under its start, and its fix as a diff.
    fn full(
        &self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out, "{}", self.concise(file, finding))?;
        let lines: Vec<&str> = file.text.split_inclusive('\n').collect();
        let first = finding.line.saturating_sub(1);
        let last = (finding.end_line.max(finding.line)).min(first + 4).min(lines.len());
        let width = last.max(1).to_string().len();
        let gutter = |number: &str| self.paint.paint(GUTTER, &format!("{number:>width$} |"));
        writeln!(out, "{}", gutter(""))?;
        for (index, line) in lines.iter().enumerate().take(last).skip(first) {
            let (body, _) = split_line_end(line);
            writeln!(
                out,
                "{} {}",
                gutter(&(index + 1).to_string()),
                body.trim_start_matches('\u{feff}')
            )?;
            if index == first {
                let prefix: String = body
                    .trim_start_matches('\u{feff}')
                    .chars()
                    .take(finding.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let span = if finding.end_line == finding.line {
                    finding.end_column.saturating_sub(finding.column).max(1)
                } else {
                    body.chars().count().saturating_sub(finding.column.saturating_sub(1)).max(1)
                };
                let carets = self.paint.paint(RED, &"^".repeat(span));
                writeln!(
                    out,
                    "{} {prefix}{carets} {}",
                    gutter(""),
                    self.paint.paint(CODE, finding.code)
                )?;
            }
        }
        if let Some(applicability) = finding.fix.filter(|_| !finding.edits.is_empty()) {
            let mut edits: Vec<_> = finding.edits.iter().collect();
            edits.sort_by_key(|edit| edit.range.start);
            let mut fixed = String::with_capacity(file.text.len());
            let mut cursor = 0;
            for edit in edits {
                if edit.range.start < cursor || edit.range.end > file.text.len() {
                    continue;
                }
                fixed.push_str(&file.text[cursor..edit.range.start]);
                fixed.push_str(&edit.content);
                cursor = edit.range.end;
            }
            fixed.push_str(&file.text[cursor..]);
            let diff = unified_diff(file.text, &fixed, file.path);
            let hunks: String = diff.split_inclusive('\n').skip(2).collect();
            writeln!(out, "{}", gutter(""))?;
            let how = match applicability {
                Applicability::Safe => "safe fix",
                Applicability::Unsafe => "unsafe fix (applied with `--unsafe-fixes`)",
                Applicability::DisplayOnly => "suggested fix (never applied)",
            };
            writeln!(out, "{} = {how}:", " ".repeat(width))?;
            for line in self.paint.diff(&hunks).split_inclusive('\n') {
                write!(out, "{}    {line}", " ".repeat(width))?;
            }
        }
        writeln!(out)
    }

    fn print_statistics(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            let rows: Vec<Value> = self
                .counts
                .iter()
                .map(|(code, (count, fixable))| {
                    json!({
                        "code": code,
                        "name": self.registry.find(code).map(|rule| rule.name()),
                        "count": count,
                        "fixable": *fixable > 0,
                    })
                })
                .collect();
            return writeln!(out, "{}", serde_json::to_string_pretty(&rows)?);
        }
        let width =
            self.counts.values().map(|(count, _)| count.to_string().len()).max().unwrap_or(1);
        for (code, (count, fixable)) in &self.counts {
            let mark = if *fixable > 0 { "[*]" } else { "[ ]" };
            let name = self.registry.find(code).map_or("", |rule| rule.name());
            writeln!(out, "{count:>width$}\t{code}\t{mark} {name}")?;
        }
        Ok(())
    }
}

/// `--show-fixes`: each changed file and what was fixed in it, as ruff
/// enumerates them.
fn print_fixes(
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
pub fn print_summary(
    totals: &Totals,
    mode: Mode,
    remaining: &[u8],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let fixed = totals.fixed();
    let per_rule = || {
        totals.fixes.iter().map(|(code, n)| format!("{code}: {n}")).collect::<Vec<_>>().join(", ")
    };
    let hint = unsafe_hint(totals.hidden_unsafe);
    match mode {
        Mode::Diff if fixed > 0 => writeln!(
            err,
            "Would fix {} in {} ({}).{hint}",
            plural(fixed, "finding"),
            plural(totals.files_changed, "file"),
            per_rule()
        ),
        Mode::Diff => writeln!(err, "No fixes to apply.{hint}"),
        Mode::Write => {
            if fixed > 0 {
                writeln!(
                    out,
                    "Fixed {} in {} ({}).",
                    plural(fixed, "finding"),
                    plural(totals.files_changed, "file"),
                    per_rule()
                )?;
            }
            out.write_all(remaining)?;
            match totals.findings {
                0 => writeln!(out, "No findings remain."),
                n => writeln!(out, "Found {} that remain.{hint}", plural(n, "finding")),
            }
        }
        Mode::Check => match totals.findings {
            0 => writeln!(out, "No findings."),
            n => {
                writeln!(out, "Found {}.", plural(n, "finding"))?;
                if totals.fixable_now > 0 {
                    let flags =
                        if totals.unsafe_fixes { "--write --unsafe-fixes" } else { "--write" };
                    writeln!(out, "[*] {} fixable with `{flags}`.", totals.fixable_now)?;
                }
                match hint.is_empty() {
                    true => Ok(()),
                    false => writeln!(out, "{}", hint.trim_start()),
                }
            }
        },
    }
}

fn unsafe_hint(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        1 => " (1 more fix available with `--unsafe-fixes`.)".to_string(),
        n => format!(" ({n} more fixes available with `--unsafe-fixes`.)"),
    }
}

pub fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ if noun.ends_with('x') => format!("{count} {noun}es"),
        _ => format!("{count} {noun}s"),
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

/// A GitHub Actions workflow command: an annotation on the pull request.
fn github(file: &FileResult<'_>, finding: &Finding) -> String {
    format!(
        "::warning file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(file.path),
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
        escape_property(&format!("pyfix ({})", finding.code)),
        escape_data(&format!(
            "{}:{}:{}: {} {}",
            file.path, finding.line, finding.column, finding.code, finding.message
        ))
    )
}

/// Workflow command escaping: `%`, CR and LF in the message...
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// ...and also `:` and `,` in a property.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
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

/// The text of a `## Heading` section of a rule's documentation.
pub fn section(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(heading)? + heading.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
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
    fn escapes_workflow_commands() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("50% a:b\r\n"), "50%25 a:b%0D%0A");
    }

    #[test]
    fn reads_doc_sections() {
        let doc =
            "# x (PF1)\n\n## What it does\nFinds things. More.\n\n## Why is this bad?\nBad.\n";
        assert_eq!(section(doc, "## What it does").as_deref(), Some("Finds things. More."));
        assert_eq!(first_sentence("Finds things. More."), "Finds things.");
        assert_eq!(section(doc, "## Fix safety"), None);
    }
}

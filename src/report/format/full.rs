//! `--output-format full`: each finding's concise line, the source lines it
//! covers with carets under its start, and the fix it offers as a diff.

use std::io::{self, Write};
use std::ops::Range;

use crate::engine::{Finding, FindingEdit};
use crate::report::diff::unified_diff;
use crate::report::format::concise;
use crate::report::format::printer::FormatPrinter;
use crate::report::paint::{CODE, GUTTER, Paint, RED, split_line_end};
use crate::report::totals::FileResult;
use crate::rule::fix::Applicability;

/// A byte order mark, which the file may start with but nobody wants to see.
const BOM: char = '\u{feff}';

pub(crate) struct Full {
    paint: Paint,
}

impl Full {
    pub(crate) fn new(paint: Paint) -> Full {
        Full { paint }
    }

    /// The shown lines, with a caret line under the first.
    fn excerpt(
        &self,
        lines: &[&str],
        shown: Range<usize>,
        finding: &Finding,
        gutter: &Gutter,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out, "{}", gutter.blank())?;
        // `take` and `skip` rather than a slice: a finding past the end of
        // the text shows no line instead of a panic.
        for (index, line) in lines.iter().enumerate().take(shown.end).skip(shown.start) {
            let (body, _) = split_line_end(line);
            writeln!(out, "{} {}", gutter.numbered(index + 1), body.trim_start_matches(BOM))?;
            if index == shown.start {
                writeln!(out, "{} {}", gutter.blank(), self.carets(body, finding))?;
            }
        }
        Ok(())
    }

    /// Blanks up to the finding's column (tabs kept, so that the carets line
    /// up with the source above), carets under its span, and its code.
    fn carets(&self, body: &str, finding: &Finding) -> String {
        let before = finding.column.saturating_sub(1);
        let prefix: String = body
            .trim_start_matches(BOM)
            .chars()
            .take(before)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let span = if finding.end_line == finding.line {
            finding.end_column.saturating_sub(finding.column)
        } else {
            // The finding goes on below: underline the rest of its first line.
            body.chars().count().saturating_sub(before)
        };
        format!(
            "{prefix}{} {}",
            self.paint.paint(RED, &"^".repeat(span.max(1))),
            self.paint.paint(CODE, finding.code)
        )
    }

    /// The finding's fix as the hunks of a diff, under a line saying how
    /// safe it is.
    fn fix(
        &self,
        file: &FileResult<'_>,
        finding: &Finding,
        gutter: &Gutter,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let Some(applicability) = finding.fix.filter(|_| !finding.edits.is_empty()) else {
            return Ok(());
        };
        let fixed = apply_edits(file.text, &finding.edits);
        let diff = unified_diff(file.text, &fixed, file.path);
        // Without the `---`/`+++` header: the concise line names the file.
        let hunks: String = diff.split_inclusive('\n').skip(2).collect();
        writeln!(out, "{}", gutter.blank())?;
        writeln!(out, "{} = {}:", gutter.indent(), describe(applicability))?;
        for line in self.paint.diff(&hunks).split_inclusive('\n') {
            write!(out, "{}    {line}", gutter.indent())?;
        }
        Ok(())
    }
}

impl FormatPrinter for Full {
    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out, "{}", concise::line(self.paint, file, finding))?;
        let lines: Vec<&str> = file.text.split_inclusive('\n').collect();
        let shown = shown_lines(finding, lines.len());
        let gutter = Gutter { paint: self.paint, width: shown.end.max(1).to_string().len() };
        self.excerpt(&lines, shown, finding, &gutter, out)?;
        self.fix(file, finding, &gutter, out)?;
        writeln!(out)
    }
}

/// The indices of the lines to show: those the finding covers, four at most.
fn shown_lines(finding: &Finding, line_count: usize) -> Range<usize> {
    let first = finding.line.saturating_sub(1);
    let last = finding.end_line.max(finding.line).min(first + 4).min(line_count);
    first..last
}

/// The margin in front of source lines: a line number right-aligned to the
/// widest one shown, then `|`.
struct Gutter {
    paint: Paint,
    width: usize,
}

impl Gutter {
    fn numbered(&self, number: usize) -> String {
        self.margin(&number.to_string())
    }

    fn blank(&self) -> String {
        self.margin("")
    }

    fn margin(&self, number: &str) -> String {
        self.paint.paint(GUTTER, &format!("{number:>width$} |", width = self.width))
    }

    /// As wide as the numbers, for the lines that hang under the margin.
    fn indent(&self) -> String {
        " ".repeat(self.width)
    }
}

/// `text` with one finding's edits applied. An edit that overlaps the one
/// before it, or whose range is not one of the text's, is left out: the
/// diff shows the rest rather than nothing.
fn apply_edits(text: &str, edits: &[FindingEdit]) -> String {
    let mut edits: Vec<&FindingEdit> = edits.iter().collect();
    edits.sort_by_key(|edit| edit.range.start);
    let mut fixed = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in edits {
        let (Some(kept), Some(_)) =
            (text.get(cursor..edit.range.start), text.get(edit.range.clone()))
        else {
            continue;
        };
        fixed.push_str(kept);
        fixed.push_str(&edit.content);
        cursor = edit.range.end;
    }
    fixed.push_str(text.get(cursor..).unwrap_or_default());
    fixed
}

fn describe(applicability: Applicability) -> &'static str {
    match applicability {
        Applicability::Safe => "safe fix",
        Applicability::Unsafe => "unsafe fix (applied with `--unsafe-fixes`)",
        Applicability::DisplayOnly => "suggested fix (never applied)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::format::sample_finding;

    fn edit(range: Range<usize>, content: &str) -> FindingEdit {
        FindingEdit { range, start: (0, 0), end: (0, 0), content: content.to_string() }
    }

    #[test]
    fn applies_edits_in_order_and_leaves_out_the_ones_that_do_not_fit() {
        let text = "abcdef";
        let edits = [edit(4..5, "E"), edit(0..1, "A"), edit(0..2, "overlaps"), edit(5..99, "out")];
        assert_eq!(apply_edits(text, &edits), "AbcdEf");
        assert_eq!(apply_edits("é", &[edit(1..2, "x")]), "é");
        #[expect(clippy::reversed_empty_ranges, reason = "an edit the engine should never make")]
        let backwards = edit(2..1, "x");
        assert_eq!(apply_edits("abc", &[backwards]), "abc");
    }

    #[test]
    fn shows_at_most_four_lines_and_none_past_the_end() {
        let finding = |line, end_line| Finding { end_line, ..sample_finding(line, None) };
        assert_eq!(shown_lines(&finding(2, 9), 20), 1..5);
        assert_eq!(shown_lines(&finding(3, 3), 20), 2..3);
        assert!(shown_lines(&finding(30, 31), 20).is_empty());
    }
}

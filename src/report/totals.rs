//! What one processed file hands the printer (`FileResult`), and the totals
//! over every file (`Totals`) that the summary and the exit status read.

use std::collections::BTreeMap;

use crate::engine::{FileReport, Finding};
use crate::rule::fix::Applicability;

/// One processed file, as the printer sees it.
pub struct FileResult<'a> {
    /// The path as the user should see it.
    pub path: &'a str,
    pub report: &'a FileReport,
    /// The text the findings point into: the fixed text after `--write`.
    pub text: &'a str,
    /// The least safe fix this run applies to the file (or would).
    pub threshold: Applicability,
}

impl FileResult<'_> {
    /// Whether this run applies (or would apply) the finding's fix.
    pub(crate) fn fixable(&self, finding: &Finding) -> bool {
        matches!(finding.fix, Some(fix) if fix >= self.threshold && fix != Applicability::DisplayOnly)
    }
}

/// Totals over all files, for the summary and the exit status.
#[derive(Default)]
pub struct Totals {
    pub findings: usize,
    pub fixable_now: usize,
    pub hidden_unsafe: usize,
    pub fixes: BTreeMap<&'static str, usize>,
    pub files_changed: usize,
    pub errors: usize,
    /// Per changed file: its path, fixes per rule and the unsafe ones among them.
    pub changed: Vec<ChangedFile>,
    /// Whether `--unsafe-fixes` applies to any file (for the hints).
    pub unsafe_fixes: bool,
}

pub struct ChangedFile {
    pub path: String,
    pub fixes: BTreeMap<&'static str, usize>,
    pub unsafe_fixes: BTreeMap<&'static str, usize>,
}

impl Totals {
    pub fn count(&mut self, file: &FileResult<'_>) {
        let report = file.report;
        self.findings += report.findings.len();
        for finding in &report.findings {
            match finding.fix {
                Some(Applicability::DisplayOnly) | None => {}
                Some(_) if file.fixable(finding) => self.fixable_now += 1,
                Some(_) => self.hidden_unsafe += 1,
            }
        }
        for (code, count) in &report.fixes {
            *self.fixes.entry(code).or_default() += count;
        }
        if report.fixed.is_some() {
            self.files_changed += 1;
            self.changed.push(ChangedFile {
                path: file.path.to_string(),
                fixes: report.fixes.clone(),
                unsafe_fixes: report.unsafe_fixes.clone(),
            });
        }
    }

    /// The fixes applied (or that would be), over every file.
    pub(crate) fn fixed(&self) -> usize {
        self.fixes.values().sum()
    }
}

//! `--statistics`: how many findings each rule has and whether this run
//! fixes any of them, printed instead of the findings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::report::totals::FileResult;
use crate::rule::Registry;

/// Findings per rule, over every file.
pub(crate) struct Statistics {
    /// The rules a code can name.
    registry: Registry,
    per_rule: BTreeMap<&'static str, RuleCount>,
}

#[derive(Default)]
struct RuleCount {
    findings: usize,
    /// Those whose fix this run applies (or would).
    fixable: usize,
}

/// One rule's line of the statistics, and its JSON shape: the fields in
/// alphabetical order, the order that output has always had.
#[derive(Serialize)]
pub(crate) struct StatisticsRow {
    code: &'static str,
    count: usize,
    /// Whether this run fixes any of them.
    fixable: bool,
    name: Option<&'static str>,
}

impl Statistics {
    pub(crate) fn new(registry: Registry) -> Statistics {
        Statistics { registry, per_rule: BTreeMap::new() }
    }

    pub(crate) fn count(&mut self, file: &FileResult<'_>) {
        for finding in &file.report.findings {
            let count = self.per_rule.entry(finding.code).or_default();
            count.findings += 1;
            count.fixable += usize::from(file.fixable(finding));
        }
    }

    /// One row per rule with findings, by code.
    pub(crate) fn rows(&self) -> impl Iterator<Item = StatisticsRow> + '_ {
        self.per_rule.iter().map(|(code, count)| StatisticsRow {
            code,
            count: count.findings,
            fixable: count.fixable > 0,
            name: self.registry.find(code).map(|rule| rule.name()),
        })
    }

    /// `count<TAB>code<TAB>[*] name`, counts aligned; `[*]` when this run
    /// fixes some of them.
    pub(crate) fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let width = self.rows().map(|row| row.count.to_string().len()).max().unwrap_or(1);
        for row in self.rows() {
            let mark = if row.fixable { "[*]" } else { "[ ]" };
            let name = row.name.unwrap_or("");
            writeln!(out, "{:>width$}\t{}\t{mark} {name}", row.count, row.code)?;
        }
        Ok(())
    }
}

//! `--output-format concise` (the default): one line per finding,
//! `path:line:col: CODE [*] message`, where `[*]` marks a fix this run
//! applies.

use std::io::{self, Write};

use crate::engine::Finding;
use crate::report::format::printer::FormatPrinter;
use crate::report::paint::{BOLD, CODE, CYAN, Paint};
use crate::report::totals::FileResult;

pub(crate) struct Concise {
    paint: Paint,
}

impl Concise {
    pub(crate) fn new(paint: Paint) -> Concise {
        Concise { paint }
    }
}

impl FormatPrinter for Concise {
    fn finding(
        &mut self,
        file: &FileResult<'_>,
        finding: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out, "{}", line(self.paint, file, finding))
    }
}

/// The finding's line, without its end (the full format starts with it too).
pub(crate) fn line(paint: Paint, file: &FileResult<'_>, finding: &Finding) -> String {
    let mark = if file.fixable(finding) { paint.paint(CYAN, "[*] ") } else { String::new() };
    format!(
        "{}:{}:{}: {} {mark}{}",
        paint.paint(BOLD, file.path),
        finding.line,
        finding.column,
        paint.paint(CODE, finding.code),
        finding.message
    )
}

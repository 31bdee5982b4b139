//! `Printer`, which the command line hands each processed file to: it prints
//! the findings in the chosen format as they come, then closes the run with
//! the end of the document, `--statistics`, `--show-fixes` and the summary.

use std::io::{self, Write};

use crate::report::closing::{print_fixed_only, print_fixes, print_summary};
use crate::report::format::{self, FormatPrinter, OutputFormat};
use crate::report::mode::{LogLevel, Mode};
use crate::report::paint::Paint;
use crate::report::statistics::Statistics;
use crate::report::totals::{FileResult, Totals};
use crate::rule::Registry;

/// Prints findings as they come, in one format, and what closes the run.
pub struct Printer {
    format: Box<dyn FormatPrinter>,
    /// Findings per rule, counted only when `show_statistics` asks for them.
    statistics: Statistics,
    show_statistics: bool,
    show_fixes: bool,
    /// `--fix-only`: the findings that remain are not printed.
    fix_only: bool,
    level: LogLevel,
    mode: Mode,
    /// The rules a finding's code can name.
    registry: Registry,
    /// Whether the format's `start` ran.
    started: bool,
    /// `--write` prints what it fixed first and then what remains: the
    /// remaining findings (in the human formats) wait here.
    held: Vec<u8>,
}

/// The command line's choices that decide what `Printer` prints.
pub struct PrinterOptions {
    pub format: OutputFormat,
    pub statistics: bool,
    pub show_fixes: bool,
    /// `--fix-only`: report what was fixed, not what remains.
    pub fix_only: bool,
    pub level: LogLevel,
    pub mode: Mode,
    pub paint: Paint,
    pub registry: Registry,
    /// The base URL of the rule pages (`docs-url`), if configured.
    pub docs_url: Option<String>,
}

impl Printer {
    pub fn new(options: PrinterOptions) -> Printer {
        Printer {
            format: format::printer_for(
                options.format,
                options.paint,
                options.registry,
                options.docs_url,
            ),
            statistics: Statistics::new(options.registry),
            show_statistics: options.statistics,
            show_fixes: options.show_fixes,
            fix_only: options.fix_only,
            level: options.level,
            mode: options.mode,
            registry: options.registry,
            started: false,
            held: Vec::new(),
        }
    }

    /// Whether the findings themselves are printed (not in `--diff` mode,
    /// nor with `--statistics`, `--fix-only` or `-s`).
    fn prints_findings(&self) -> bool {
        self.mode != Mode::Diff
            && !self.show_statistics
            && !self.fix_only
            && self.level > LogLevel::Silent
    }

    /// A machine-readable document (or GitHub's annotations) is on `out`:
    /// no human summary may join it.
    pub fn is_machine_readable(&self) -> bool {
        if self.prints_findings() {
            self.format.is_machine_readable()
        } else {
            self.show_statistics && self.format.statistics_are_machine_readable()
        }
    }

    /// After `--write`, a human summary starts with the fixes, so the
    /// findings that remain wait for it.
    fn holds_findings(&self) -> bool {
        self.mode == Mode::Write
            && self.level == LogLevel::Normal
            && !self.format.is_machine_readable()
    }

    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        if self.prints_findings() { self.format.start(out) } else { Ok(()) }
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

    fn file_to(&mut self, file: &FileResult<'_>, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        if self.show_statistics {
            self.statistics.count(file);
        }
        if !self.prints_findings() {
            return Ok(());
        }
        for finding in &file.report.findings {
            self.format.finding(file, finding, out)?;
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
            self.format.finish(out)?;
        }
        if self.show_statistics && self.level > LogLevel::Silent {
            self.format.statistics(&self.statistics, out)?;
        }
        if self.level < LogLevel::Normal || self.is_machine_readable() {
            return Ok(());
        }
        if self.show_fixes {
            let target: &mut dyn Write =
                if self.mode == Mode::Diff { &mut *summary } else { &mut *out };
            print_fixes(totals, self.mode, self.registry, target)?;
        }
        if self.fix_only && self.mode == Mode::Write {
            return print_fixed_only(totals, out);
        }
        print_summary(totals, self.mode, &self.held, out, summary)
    }
}

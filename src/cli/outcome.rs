//! What happened to one file, and how the CLI prints it: the findings
//! through `report`'s printer, a diff as is, an error as `path: error: ...`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::cli::options::Options;
use crate::config::ConfigError;
use crate::engine::FileReport;
use crate::error::FileError;
use crate::report::{FileResult, Mode, Printer, Totals};
use crate::rule::fix::Applicability;

/// What happened to one file.
pub(crate) enum Outcome {
    Done {
        path: PathBuf,
        report: FileReport,
        /// The text the findings point into; the run over paths keeps it
        /// only for the output format that shows source lines.
        text: Option<String>,
        diff: Option<String>,
        threshold: Applicability,
    },
    Failed {
        path: PathBuf,
        error: FileError,
    },
}

impl Outcome {
    /// Prints the file's findings (or its diff with `--diff`) on standard
    /// output, or its error on standard error, and counts it in `totals`.
    pub(crate) fn print(&self, options: &Options, printer: &mut Printer, totals: &mut Totals) {
        match self {
            Outcome::Failed { path, error } => {
                print_error(options, path, error);
                totals.errors += 1;
            }
            Outcome::Done { path, report, text, diff, threshold } => {
                let shown = options.display(path);
                let text = text.as_deref().unwrap_or("");
                let file = FileResult { path: &shown, report, text, threshold: *threshold };
                totals.count(&file);
                let mut stdout = io::stdout().lock();
                match (options.mode, diff) {
                    (Mode::Diff, Some(diff)) => {
                        let diff = options.output.stdout_paint.diff(diff);
                        let _ = stdout.write_all(diff.as_bytes());
                    }
                    _ => {
                        let _ = printer.file(&file, &mut stdout);
                    }
                }
            }
        }
    }
}

pub(crate) fn print_error(options: &Options, path: &Path, error: &FileError) {
    eprintln!("{}: error: {error}", options.display(path));
}

pub(crate) fn print_config_errors(options: &Options, errors: &[ConfigError]) {
    for err in errors {
        eprintln!("{}: error: {}", options.display(&err.path), err.reason());
    }
}

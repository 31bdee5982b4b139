//! `-`: the text comes from standard input and the configuration is the one
//! that applies to `--stdin-filename`. `--write` prints the fixed text on
//! standard output, so everything else goes to standard error.

use std::io::{self, Read, Write};
use std::path::Path;

use crate::cli::exit::ExitStatus;
use crate::cli::options::Options;
use crate::cli::outcome::{Outcome, print_config_errors, print_error};
use crate::cli::pipeline::{Input, Pipeline, Processed, Product};
use crate::config::resolver::Project;
use crate::error::FileError;
use crate::report::{FileResult, Mode, Paint, Totals};
use crate::rule::fix::Applicability;

/// Processes standard input as the file `--stdin-filename` names.
pub(crate) fn run(options: &Options) -> ExitStatus {
    let name = options.stdin_filename.as_deref().unwrap_or(Path::new("-"));
    let mut bytes = Vec::new();
    if let Err(err) = io::stdin().read_to_end(&mut bytes) {
        print_error(options, name, &FileError::Unreadable(err));
        return ExitStatus::Error;
    }
    let (project, absolute) = match options.resolver.for_file(name) {
        Ok(found) => found,
        Err(err) => {
            print_config_errors(options, &[err]);
            return ExitStatus::Error;
        }
    };
    if excluded(options, name, &project, &absolute) {
        // An excluded file is passed through untouched, as ruff does.
        if options.mode == Mode::Write {
            let _ = io::stdout().write_all(&bytes);
        }
        return ExitStatus::Success;
    }
    // `--write` on standard input is a filter: whatever goes wrong, the
    // text comes out unchanged rather than not at all.
    let passthrough = (options.mode == Mode::Write).then(|| bytes.clone());
    // Standard input is never cached: the cache is about the files of a tree.
    let pipeline = Pipeline::new(options, None, None);
    let processed = match pipeline.process(Input::Stdin { name, bytes }, &project, &absolute) {
        Ok(processed) => processed,
        Err(error) => {
            print_error(options, name, &error);
            if let Some(bytes) = passthrough {
                let mut stdout = io::stdout().lock();
                let _ = stdout.write_all(&bytes);
                let _ = stdout.flush();
            }
            return ExitStatus::Error;
        }
    };
    let mut totals = Totals { unsafe_fixes: project.unsafe_fixes, ..Totals::default() };
    let threshold = options.threshold(&project);
    print(options, name, processed, threshold, &mut totals);
    let _ = io::stdout().lock().flush();
    options.finish(&totals)
}

/// With `--force-exclude`, a `--stdin-filename` the exclusions match.
fn excluded(options: &Options, name: &Path, project: &Project, absolute: &Path) -> bool {
    options.stdin_filename.is_some()
        && name.as_os_str() != "-"
        && project.force_exclude
        && project.is_excluded_with_ancestors(absolute)
}

/// Prints the text (`--write`), or the findings or diff, then the summary.
fn print(
    options: &Options,
    name: &Path,
    processed: Processed,
    threshold: Applicability,
    totals: &mut Totals,
) {
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let text = processed.text().to_string();
    let Processed { report, product, .. } = processed;
    let diff = match product {
        Product::Stdout(output) => {
            let _ = stdout.write_all(&output);
            let _ = stdout.flush();
            let mut printer = options.printer(Paint::stderr());
            let shown = options.display(name);
            let file = FileResult { path: &shown, report: &report, text: &text, threshold };
            totals.count(&file);
            let _ = printer.file(&file, &mut stderr);
            // The printer's second stream is for `--diff` only: here its
            // whole report goes to standard error.
            let _ = printer.finish(totals, &mut stderr, &mut io::sink());
            return;
        }
        Product::Diff(diff) => Some(diff),
        Product::Nothing => None,
    };
    let outcome =
        Outcome::Done { path: name.to_path_buf(), report, text: Some(text), diff, threshold };
    let mut printer = options.printer(options.output.stdout_paint);
    outcome.print(options, &mut printer, totals);
    let _ = printer.finish(totals, &mut stdout, &mut stderr);
}

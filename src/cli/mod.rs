//! The command line: the arguments, then either a command that prints
//! information, or a run over standard input or the files under the paths.
//! Output is in path order whatever order the threads finish in; how it
//! looks is `report`'s business.

pub(crate) mod cache;
pub mod files;
pub mod verify;

mod args;
mod exit;
mod info;
mod options;
mod outcome;
mod pipeline;
mod progress;

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use clap::Parser;
use rayon::prelude::*;

use crate::cli::args::Args;
use crate::cli::cache::Cache;
use crate::cli::options::Options;
use crate::cli::outcome::{Outcome, print_config_errors, print_error};
use crate::cli::pipeline::{Input, Pipeline, Processed, Product};
use crate::cli::progress::Progress;
use crate::config::resolver::{Project, Resolver};
use crate::engine;
use crate::error::FileError;
use crate::report::{FileResult, Mode, Paint, Printer, Totals};
use crate::rule::Registry;
use crate::rule::fix::Applicability;

pub use crate::cli::exit::ExitStatus;

/// Runs pyfix with the process's arguments and the rules in `registry`;
/// returns the exit status.
pub fn run(registry: Registry) -> ExitStatus {
    engine::install_panic_hook();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            // `--help` and `--version` come this way too, and are no error.
            return if err.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    if args.list_rules {
        return info::list_rules(registry);
    }
    if let Some(selector) = &args.explain {
        return info::explain(selector, registry);
    }
    let options = match Options::resolve(args, registry) {
        Ok(options) => options,
        Err(invalid) => {
            eprintln!("{invalid}");
            return ExitStatus::Error;
        }
    };
    if options.show_settings {
        return info::show_settings(&options);
    }
    if options.reads_stdin() {
        if options.paths.len() > 1 {
            eprintln!("pyfix: error: `-` (standard input) cannot be combined with other paths");
            return ExitStatus::Error;
        }
        return run_stdin(&options);
    }
    run_paths(&options)
}

/// A file to process, with the settings that apply to it and its absolute path.
struct Job {
    path: PathBuf,
    project: Arc<Project>,
    absolute: PathBuf,
}

/// Processes every file under the paths, in parallel, printing in path order.
fn run_paths(options: &Options) -> ExitStatus {
    let cache = options.cache_dir.as_deref().map(|dir| {
        // The rules are part of each file's key (they can differ per file).
        Cache::open(dir, options.registry)
    });
    let mut totals = Totals::default();
    let explicit: Vec<PathBuf> =
        options.paths.iter().filter(|path| !force_excluded(options, path)).cloned().collect();
    let collected = files::collect(&explicit, exclusions(options.resolver.clone()));
    let jobs = jobs(&options.resolver, collected.files);
    let config_errors = options.resolver.errors();
    if !config_errors.is_empty() {
        // A configuration that cannot be read stops the run before any file is touched.
        print_config_errors(options, &config_errors);
        return ExitStatus::Error;
    }
    for (path, error) in &collected.errors {
        print_error(options, path, error);
        totals.errors += 1;
    }

    let mut printer = options.printer(options.output.stdout_paint);
    let pipeline = Pipeline::new(options, cache.as_ref());
    process_in_order(&pipeline, &jobs, &mut printer, &mut totals);
    if let Some(cache) = cache
        && let Err(err) = cache.save()
    {
        eprintln!("pyfix: warning: cannot write the cache: {err}");
    }
    totals.unsafe_fixes = jobs.iter().any(|job| job.project.unsafe_fixes);
    let _ = printer.finish(&totals, &mut io::stdout().lock(), &mut io::stderr().lock());
    exit::finish(options, &totals)
}

/// `--force-exclude` (or `force-exclude = true`) leaves out a path named
/// on the command line when an exclusion matches it or a folder above it.
fn force_excluded(options: &Options, path: &Path) -> bool {
    match options.resolver.for_file(path) {
        Ok((project, absolute)) => {
            project.force_exclude && project.is_excluded_with_ancestors(&absolute)
        }
        Err(_) => false,
    }
}

/// What the walk leaves out: the exclusions of the configuration that
/// applies where it is.
fn exclusions(resolver: Arc<Resolver>) -> files::Exclude {
    Arc::new(move |path: &Path| {
        let absolute = resolver.absolute(path);
        let directory = absolute.parent().unwrap_or(&absolute);
        resolver.for_directory(directory).is_ok_and(|project| project.is_excluded(&absolute))
    })
}

/// The files with their settings. A file whose configuration cannot be
/// read has none: the resolver keeps that error for the run to report.
fn jobs(resolver: &Resolver, files: Vec<PathBuf>) -> Vec<Job> {
    let mut jobs = Vec::with_capacity(files.len());
    for path in files {
        if let Ok((project, absolute)) = resolver.for_file(&path) {
            jobs.push(Job { path, project, absolute });
        }
    }
    jobs
}

/// Runs the jobs on rayon's threads and prints each outcome as soon as the
/// ones before it in path order are printed.
fn process_in_order(
    pipeline: &Pipeline<'_>,
    jobs: &[Job],
    printer: &mut Printer,
    totals: &mut Totals,
) {
    let options = pipeline.options();
    let mut progress = Progress::new(jobs.len(), options.output.level);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            jobs.par_iter().enumerate().for_each_with(sender, |sender, (index, job)| {
                // The receiver lives until every file is sent.
                let _ = sender.send((index, process_file(pipeline, job)));
            });
        });
        // Results arrive in any order; print them in path order as soon as
        // the next one in line is in.
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (index, outcome) in receiver {
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&next) {
                progress.advance();
                progress.around(|| outcome.print(options, printer, totals));
                next += 1;
            }
        }
    });
    progress.finish();
}

/// One file through the pipeline; only what printing needs is kept.
fn process_file(pipeline: &Pipeline<'_>, job: &Job) -> Outcome {
    let path = job.path.clone();
    match pipeline.process(Input::File(&job.path), &job.project, &job.absolute) {
        Ok(processed) => {
            let options = pipeline.options();
            // Only the full format shows source lines; the others need no text.
            let text = options.keeps_text().then(|| processed.text().to_string());
            let diff = match processed.product {
                Product::Diff(diff) => Some(diff),
                Product::Nothing | Product::Stdout(_) => None,
            };
            Outcome::Done {
                path,
                report: processed.report,
                text,
                diff,
                threshold: options.threshold(&job.project),
            }
        }
        Err(error) => Outcome::Failed { path, error },
    }
}

/// Processes standard input as the file `--stdin-filename` names.
fn run_stdin(options: &Options) -> ExitStatus {
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
    if stdin_excluded(options, name, &project, &absolute) {
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
    let pipeline = Pipeline::new(options, None);
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
    print_stdin(options, name, processed, threshold, &mut totals);
    let _ = io::stdout().lock().flush();
    exit::finish(options, &totals)
}

/// With `--force-exclude`, a `--stdin-filename` the exclusions match.
fn stdin_excluded(options: &Options, name: &Path, project: &Project, absolute: &Path) -> bool {
    options.stdin_filename.is_some()
        && name.as_os_str() != "-"
        && project.force_exclude
        && project.is_excluded_with_ancestors(absolute)
}

/// Prints the text (`--write`), or the findings or diff, then the summary.
fn print_stdin(
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

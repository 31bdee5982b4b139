//! The command line: arguments, the parallel run over files, and the exit
//! status. Output is in path order whatever order the threads finish in;
//! how it looks is `report`'s business.

pub(crate) mod cache;
pub mod files;
pub mod verify;

mod args;
mod exit;
mod info;
mod options;
mod outcome;
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
use crate::cli::progress::Progress;
use crate::cli::verify::Verdict;
use crate::config::resolver::Project;
use crate::engine::{self, FileReport};
use crate::error::FileError;
use crate::report::diff::unified_diff;
use crate::report::{FileResult, Mode, Paint, Totals};
use crate::rule::Registry;
use crate::rule::Transform;

pub use crate::cli::exit::ExitStatus;

/// One run over standard input or the paths: the options, and the cache.
struct Run {
    options: Options,
    cache: Option<Cache>,
}

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
        return Run::new(options).stdin();
    }
    Run::new(options).paths()
}

impl Run {
    fn new(options: Options) -> Run {
        let cache = options.cache_dir.as_deref().map(|dir| {
            // The rules are part of each file's key (they can differ per file).
            Cache::open(dir, options.registry)
        });
        Run { options, cache }
    }

    /// Processes every file under the paths, in parallel, printing in path order.
    fn paths(mut self) -> ExitStatus {
        let mut totals = Totals::default();
        let explicit: Vec<PathBuf> =
            self.options.paths.iter().filter(|path| !self.force_excluded(path)).cloned().collect();
        let resolver = self.options.resolver.clone();
        let exclude: files::Exclude = Arc::new(move |path: &Path| {
            let absolute = resolver.absolute(path);
            let directory = absolute.parent().unwrap_or(&absolute);
            resolver.for_directory(directory).is_ok_and(|project| project.is_excluded(&absolute))
        });
        let collected = files::collect(&explicit, exclude);
        let mut jobs = Vec::with_capacity(collected.files.len());
        for path in &collected.files {
            if let Ok((project, absolute)) = self.options.resolver.for_file(path) {
                jobs.push((path.clone(), project, absolute));
            }
        }
        let config_errors = self.options.resolver.errors();
        if !config_errors.is_empty() {
            // A configuration that cannot be read stops the run before any file is touched.
            print_config_errors(&self.options, &config_errors);
            return ExitStatus::Error;
        }
        for (path, error) in &collected.errors {
            print_error(&self.options, path, error);
            totals.errors += 1;
        }

        let mut printer = self.options.printer(self.options.output.stdout_paint);
        let mut progress = Progress::new(jobs.len(), self.options.output.level);
        let (sender, receiver) = mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                jobs.par_iter().enumerate().for_each_with(
                    sender,
                    |sender, (index, (path, project, absolute))| {
                        // The receiver lives until every file is sent.
                        let _ = sender.send((index, self.process_file(path, project, absolute)));
                    },
                );
            });
            // Results arrive in any order; print them in path order as soon as
            // the next one in line is in.
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for (index, outcome) in receiver {
                waiting.insert(index, outcome);
                while let Some(outcome) = waiting.remove(&next) {
                    progress.advance();
                    progress.around(|| outcome.print(&self.options, &mut printer, &mut totals));
                    next += 1;
                }
            }
        });
        progress.finish();
        if let Some(cache) = self.cache.take()
            && let Err(err) = cache.save()
        {
            eprintln!("pyfix: warning: cannot write the cache: {err}");
        }
        totals.unsafe_fixes = jobs.iter().any(|(_, project, _)| project.unsafe_fixes);
        let _ = printer.finish(&totals, &mut io::stdout().lock(), &mut io::stderr().lock());
        exit::finish(&self.options, &totals)
    }

    /// `--force-exclude` (or `force-exclude = true`) leaves out a path named
    /// on the command line when an exclusion matches it or a folder above it.
    fn force_excluded(&self, path: &Path) -> bool {
        match self.options.resolver.for_file(path) {
            Ok((project, absolute)) => {
                project.force_exclude && project.is_excluded_with_ancestors(&absolute)
            }
            Err(_) => false,
        }
    }

    fn process_file(&self, path: &Path, project: &Project, absolute: &Path) -> Outcome {
        let result = files::read(path).and_then(|file| {
            let source = file.text.as_str();
            let report = self.process_cached(path, source, project, absolute)?;
            let fixed_bytes =
                report.fixed.as_deref().map(|fixed| file.encode(fixed)).transpose()?;
            if let Some(fixed_bytes) = &fixed_bytes {
                self.verify(path, &file.encode(source)?, fixed_bytes, &report)?;
            }
            let diff = match (&report.fixed, fixed_bytes, self.options.mode) {
                (Some(fixed), _, Mode::Diff) => {
                    Some(unified_diff(source, fixed, &self.options.display(path)))
                }
                (Some(_), Some(fixed_bytes), Mode::Write) => {
                    files::write_atomic(path, &file.encode(source)?, &fixed_bytes)?;
                    None
                }
                _ => None,
            };
            let text = self.options.keeps_text().then(|| report.fixed.clone().unwrap_or(file.text));
            Ok((report, diff, text))
        });
        match result {
            Ok((report, diff, text)) => Outcome::Done {
                path: path.to_path_buf(),
                report,
                text,
                diff,
                threshold: self.options.threshold(project),
            },
            Err(error) => Outcome::Failed { path: path.to_path_buf(), error },
        }
    }

    /// `--verify`: CPython must compile the fixed text before it is written
    /// or shown. When it rejects the original as well, the fixes are not to
    /// blame, but they cannot be verified either, so nothing is applied.
    fn verify(
        &self,
        path: &Path,
        original: &[u8],
        fixed: &[u8],
        report: &FileReport,
    ) -> Result<(), FileError> {
        let Some(verifier) = &self.options.verifier else {
            return Ok(());
        };
        let shown = self.options.display(path);
        let message = match verifier.compile(&shown, fixed).map_err(FileError::Internal)? {
            Verdict::Compiles => return Ok(()),
            Verdict::Rejected(message) => message,
        };
        match verifier.compile(&shown, original).map_err(FileError::Internal)? {
            Verdict::Compiles => {
                let rules: Vec<&str> = report.fixes.keys().copied().collect();
                Err(FileError::RejectedByPython { rules: rules.join(", "), message })
            }
            Verdict::Rejected(original) => Err(FileError::Unverifiable(original)),
        }
    }

    /// `process_text`, skipped for a file whose result the cache holds:
    /// nothing to report, or its whole report.
    fn process_cached(
        &self,
        path: &Path,
        source: &str,
        project: &Project,
        absolute: &Path,
    ) -> Result<FileReport, FileError> {
        let rules = project.rules_for(absolute);
        let Some(cache) = &self.cache else {
            return self.process_text(path, source, project, &rules);
        };
        let file_name = file_name_of(path);
        let key = cache.key_for(&file_name, &project.settings, &rules, source.as_bytes());
        if cache.is_clean(key) {
            return Ok(FileReport::default());
        }
        let report_key = cache.report_key(key, self.options.apply(project));
        if let Some(report) = cache.report(report_key) {
            return Ok(report);
        }
        let report = self.process_text(path, source, project, &rules)?;
        if !report.findings.is_empty() || report.fixed.is_some() {
            cache.record_report(report_key, &report);
        }
        if report.findings.is_empty() {
            // A file that was fixed is clean in its fixed form once written.
            let clean = match (&report.fixed, self.options.mode) {
                (None, _) => Some(key),
                (Some(fixed), Mode::Write) => {
                    Some(cache.key_for(&file_name, &project.settings, &rules, fixed.as_bytes()))
                }
                (Some(_), _) => None,
            };
            if let Some(clean) = clean {
                cache.record_clean(clean);
            }
        }
        Ok(report)
    }

    fn process_text(
        &self,
        path: &Path,
        source: &str,
        project: &Project,
        rules: &[&'static dyn Transform],
    ) -> Result<FileReport, FileError> {
        let selection = self.options.registry.selection(rules);
        engine::process_with(
            source,
            &file_name_of(path),
            selection,
            &project.settings,
            self.options.apply(project),
            self.options.prefilter,
        )
    }

    /// `-`: the text comes from standard input and the configuration is the
    /// one that applies to `--stdin-filename`. `--write` prints the fixed
    /// text on standard output, so everything else goes to standard error.
    fn stdin(&self) -> ExitStatus {
        let name = self.options.stdin_filename.as_deref().unwrap_or(Path::new("-"));
        let mut bytes = Vec::new();
        if let Err(err) = io::stdin().read_to_end(&mut bytes) {
            print_error(&self.options, name, &FileError::Unreadable(err));
            return ExitStatus::Error;
        }
        let (project, absolute) = match self.options.resolver.for_file(name) {
            Ok(found) => found,
            Err(err) => {
                print_config_errors(&self.options, &[err]);
                return ExitStatus::Error;
            }
        };
        if self.stdin_excluded(name, &project, &absolute) {
            // An excluded file is passed through untouched, as ruff does.
            if self.options.mode == Mode::Write {
                let _ = io::stdout().write_all(&bytes);
            }
            return ExitStatus::Success;
        }
        let mut totals = Totals { unsafe_fixes: project.unsafe_fixes, ..Totals::default() };
        // `--write` on standard input is a filter: whatever goes wrong, the
        // text comes out unchanged rather than not at all.
        let passthrough = (self.options.mode == Mode::Write).then(|| bytes.clone());
        let result = files::decode(bytes).and_then(|file| {
            let report =
                self.process_text(name, &file.text, &project, &project.rules_for(&absolute))?;
            let fixed_bytes =
                report.fixed.as_deref().map(|fixed| file.encode(fixed)).transpose()?;
            if let Some(fixed_bytes) = &fixed_bytes {
                self.verify(name, &file.encode(&file.text)?, fixed_bytes, &report)?;
            }
            let output = fixed_bytes.map_or_else(|| file.encode(&file.text), Ok)?;
            Ok((file.text, report, output))
        });
        let (source, report, output) = match result {
            Ok(done) => done,
            Err(error) => {
                print_error(&self.options, name, &error);
                if let Some(bytes) = passthrough {
                    let mut stdout = io::stdout().lock();
                    let _ = stdout.write_all(&bytes);
                    let _ = stdout.flush();
                }
                return ExitStatus::Error;
            }
        };
        let mut stdout = io::stdout().lock();
        let mut stderr = io::stderr().lock();
        let threshold = self.options.threshold(&project);
        match self.options.mode {
            Mode::Write => {
                let text = report.fixed.as_deref().unwrap_or(&source);
                let _ = stdout.write_all(&output);
                let _ = stdout.flush();
                let mut printer = self.options.printer(Paint::stderr());
                let file = FileResult {
                    path: &self.options.display(name),
                    report: &report,
                    text,
                    threshold,
                };
                totals.count(&file);
                let _ = printer.file(&file, &mut stderr);
                let mut summary = io::sink();
                let _ = printer.finish(&totals, &mut stderr, &mut summary);
            }
            _ => {
                let text = report.fixed.clone().unwrap_or_else(|| source.clone());
                let diff = match (&report.fixed, self.options.mode) {
                    (Some(fixed), Mode::Diff) => {
                        Some(unified_diff(&source, fixed, &self.options.display(name)))
                    }
                    _ => None,
                };
                let outcome = Outcome::Done {
                    path: name.to_path_buf(),
                    report,
                    text: Some(text),
                    diff,
                    threshold,
                };
                let mut printer = self.options.printer(self.options.output.stdout_paint);
                outcome.print(&self.options, &mut printer, &mut totals);
                let _ = printer.finish(&totals, &mut stdout, &mut stderr);
            }
        }
        let _ = stdout.flush();
        exit::finish(&self.options, &totals)
    }

    fn stdin_excluded(&self, name: &Path, project: &Project, absolute: &Path) -> bool {
        self.options.stdin_filename.is_some()
            && name.as_os_str() != "-"
            && project.force_exclude
            && project.is_excluded_with_ancestors(absolute)
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| "-".to_string(), |name| name.to_string_lossy().to_string())
}

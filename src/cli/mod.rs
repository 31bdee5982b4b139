//! The command line: arguments, the parallel run over files, and the exit
//! status. Output is in path order whatever order the threads finish in;
//! how it looks is `report`'s business.

pub mod cache;
pub mod files;
pub mod verify;

mod args;
mod exit;
mod progress;

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use clap::Parser;
use rayon::prelude::*;

use crate::cli::args::Args;
use crate::cli::cache::Cache;
pub use crate::cli::exit::ExitStatus;
use crate::cli::progress::Progress;
use crate::cli::verify::{Verdict, Verifier};
use crate::config::resolver::{Discovery, Overrides, Project, Resolver};
use crate::config::{self, ConfigError};
use crate::engine::{self, FileReport, Prefilter};
use crate::error::FileError;
use crate::report::diff::unified_diff;
use crate::report::summary;
use crate::report::{
    FileResult, LogLevel, Mode, OutputFormat, Paint, Printer, PrinterOptions, Totals,
};
use crate::rule::Registry;
use crate::rule::Transform;
use crate::rule::fix::Applicability;

/// Everything one run needs to process a file.
struct Run {
    mode: Mode,
    resolver: Arc<Resolver>,
    args: Args,
    stdout_paint: Paint,
    working_directory: PathBuf,
    cache: Option<Cache>,
    prefilter: Prefilter,
    verifier: Option<Verifier>,
    registry: Registry,
}

/// What happened to one file.
enum Outcome {
    Done {
        path: PathBuf,
        report: FileReport,
        text: Option<String>,
        diff: Option<String>,
        threshold: Applicability,
    },
    Failed {
        path: PathBuf,
        error: FileError,
    },
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
        print_rules(registry);
        return ExitStatus::Success;
    }
    if let Some(selector) = &args.explain {
        return explain(selector, registry);
    }
    if let Some(message) = check_selectors(&args, registry) {
        eprintln!("pyfix: error: {message}");
        return ExitStatus::Error;
    }
    let mode = if args.diff {
        Mode::Diff
    } else if args.write {
        Mode::Write
    } else {
        Mode::Check
    };
    if args.summary.is_some() && mode == Mode::Check {
        eprintln!("pyfix: error: --summary needs --write or --diff");
        return ExitStatus::Error;
    }
    let resolver = match resolver(&args, registry) {
        Ok(resolver) => Arc::new(resolver),
        Err(err) => {
            eprintln!("{}: error: {}", display_in(&current_dir(), &err.path), err.reason());
            return ExitStatus::Error;
        }
    };
    let working_directory = current_dir();
    let cache = (!args.no_cache).then(|| {
        let dir = args.cache_dir.clone().unwrap_or_else(|| working_directory.join(".pyfix_cache"));
        // The rules are part of each file's key (they can differ per file).
        Cache::open(&dir, registry)
    });
    let prefilter = if args.no_prefilter { Prefilter::Off } else { Prefilter::On };
    let verifier = match (args.verify && mode != Mode::Check).then(|| Verifier::start(&args.python))
    {
        None => None,
        Some(Ok(verifier)) => Some(verifier),
        Some(Err(message)) => {
            eprintln!("pyfix: error: {message}");
            return ExitStatus::Error;
        }
    };
    let run = Run {
        mode,
        resolver,
        stdout_paint: Paint::stdout(),
        args,
        working_directory,
        cache,
        prefilter,
        verifier,
        registry,
    };
    if run.args.show_settings {
        return run.show_settings();
    }
    if run.args.paths.iter().any(|path| path.as_os_str() == "-") {
        if run.args.paths.len() > 1 {
            eprintln!("pyfix: error: `-` (standard input) cannot be combined with other paths");
            return ExitStatus::Error;
        }
        return run.stdin();
    }
    run.paths()
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_default()
}

/// Unknown selectors on the command line are a usage error, as in a configuration.
fn check_selectors(args: &Args, registry: Registry) -> Option<String> {
    let all = args.select.iter().flatten().chain(&args.extend_select).chain(&args.ignore);
    for selector in all {
        if !registry.knows(selector) {
            return Some(format!("unknown rule selector `{selector}` (see `pyfix --list-rules`)"));
        }
    }
    None
}

/// The resolver the flags ask for: `--isolated`, `--config PATH`, inline
/// `--config KEY=VALUE` options, and the overrides.
fn resolver(args: &Args, registry: Registry) -> Result<Resolver, ConfigError> {
    let mut overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        unsafe_fixes: match (args.unsafe_fixes, args.no_unsafe_fixes) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        exclude: args.exclude.clone(),
        extend_exclude: args.extend_exclude.clone(),
        force_exclude: match (args.force_exclude, args.no_force_exclude) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        target_version: args.target_version,
        inline: Default::default(),
    };
    let mut file = None;
    let mut inline = String::new();
    for value in &args.config {
        // A path names an existing file; anything else with `=` is an option.
        if Path::new(value).is_file() || !value.contains('=') {
            if file.is_some() {
                return Err(ConfigError {
                    path: PathBuf::from(value),
                    line: None,
                    message: "only one configuration file can be given with --config".into(),
                });
            }
            file = Some(PathBuf::from(value));
        } else {
            inline.push_str(value);
            inline.push('\n');
        }
    }
    overrides.inline = config::parse_inline(&inline, registry)?;
    let discovery = match (args.isolated, file) {
        (true, Some(path)) => {
            return Err(ConfigError {
                path,
                line: None,
                message: "--config PATH cannot be combined with --isolated".into(),
            });
        }
        (true, None) => Discovery::Isolated,
        (false, Some(path)) => Discovery::Fixed(path),
        (false, None) => Discovery::Hierarchical,
    };
    Resolver::new(discovery, overrides, registry)
}

fn print_rules(registry: Registry) {
    let mut out = io::stdout().lock();
    for rule in registry.rules() {
        let _ = writeln!(out, "{}  {:<30} {}", rule.code(), rule.name(), rule.meta().fix);
    }
}

fn explain(selector: &str, registry: Registry) -> ExitStatus {
    match registry.find(selector) {
        Some(rule) => {
            let _ = io::stdout().lock().write_all(rule.meta().documentation().as_bytes());
            ExitStatus::Success
        }
        None => {
            eprintln!("pyfix: error: unknown rule `{selector}` (see `pyfix --list-rules`)");
            ExitStatus::Error
        }
    }
}

impl Run {
    fn level(&self) -> LogLevel {
        if self.args.silent {
            LogLevel::Silent
        } else if self.args.quiet {
            LogLevel::Quiet
        } else {
            LogLevel::Normal
        }
    }

    fn printer(&self, paint: Paint) -> Printer {
        Printer::new(PrinterOptions {
            format: self.args.output_format,
            statistics: self.args.statistics,
            show_fixes: self.args.show_fixes,
            level: self.level(),
            mode: self.mode,
            paint,
            registry: self.registry,
        })
    }

    /// The least safe fix this run applies to files of `project`.
    fn threshold(&self, project: &Project) -> Applicability {
        if project.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe }
    }

    fn print_config_errors(&self, errors: &[ConfigError]) {
        for err in errors {
            eprintln!("{}: error: {}", self.display(&err.path), err.reason());
        }
    }

    /// Processes every file under the paths, in parallel, printing in path order.
    fn paths(mut self) -> ExitStatus {
        let mut totals = Totals::default();
        let explicit: Vec<PathBuf> =
            self.args.paths.iter().filter(|path| !self.force_excluded(path)).cloned().collect();
        let resolver = self.resolver.clone();
        let exclude: files::Exclude = Arc::new(move |path: &Path| {
            let absolute = resolver.absolute(path);
            let directory = absolute.parent().unwrap_or(&absolute);
            resolver.for_directory(directory).is_ok_and(|project| project.is_excluded(&absolute))
        });
        let collected = files::collect(&explicit, exclude);
        let mut jobs = Vec::with_capacity(collected.files.len());
        for path in &collected.files {
            if let Ok((project, absolute)) = self.resolver.for_file(path) {
                jobs.push((path.clone(), project, absolute));
            }
        }
        let config_errors = self.resolver.errors();
        if !config_errors.is_empty() {
            // A configuration that cannot be read stops the run before any file is touched.
            self.print_config_errors(&config_errors);
            return ExitStatus::Error;
        }
        for (path, error) in &collected.errors {
            self.print_error(path, error);
            totals.errors += 1;
        }

        let mut printer = self.printer(self.stdout_paint);
        let mut progress = Progress::new(jobs.len(), self.level());
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
                    progress.around(|| self.print_outcome(&outcome, &mut printer, &mut totals));
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
        self.finish(&totals)
    }

    /// `--force-exclude` (or `force-exclude = true`) leaves out a path named
    /// on the command line when an exclusion matches it or a folder above it.
    fn force_excluded(&self, path: &Path) -> bool {
        match self.resolver.for_file(path) {
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
            let diff = match (&report.fixed, fixed_bytes, self.mode) {
                (Some(fixed), _, Mode::Diff) => {
                    Some(unified_diff(source, fixed, &self.display(path)))
                }
                (Some(_), Some(fixed_bytes), Mode::Write) => {
                    files::write_atomic(path, &file.encode(source)?, &fixed_bytes)?;
                    None
                }
                _ => None,
            };
            let text = self.keeps_text().then(|| report.fixed.clone().unwrap_or(file.text));
            Ok((report, diff, text))
        });
        match result {
            Ok((report, diff, text)) => Outcome::Done {
                path: path.to_path_buf(),
                report,
                text,
                diff,
                threshold: self.threshold(project),
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
        let Some(verifier) = &self.verifier else {
            return Ok(());
        };
        let shown = self.display(path);
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

    /// Only the full format shows source lines.
    fn keeps_text(&self) -> bool {
        self.args.output_format == OutputFormat::Full
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
        let report_key = cache.report_key(key, self.apply(project));
        if let Some(report) = cache.report(report_key) {
            return Ok(report);
        }
        let report = self.process_text(path, source, project, &rules)?;
        if !report.findings.is_empty() || report.fixed.is_some() {
            cache.record_report(report_key, &report);
        }
        if report.findings.is_empty() {
            // A file that was fixed is clean in its fixed form once written.
            let clean = match (&report.fixed, self.mode) {
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

    /// The fixes a run applies: none when only checking.
    fn apply(&self, project: &Project) -> Option<Applicability> {
        match self.mode {
            Mode::Check => None,
            Mode::Diff | Mode::Write => Some(self.threshold(project)),
        }
    }

    fn process_text(
        &self,
        path: &Path,
        source: &str,
        project: &Project,
        rules: &[&'static dyn Transform],
    ) -> Result<FileReport, FileError> {
        let selection = self.registry.selection(rules);
        engine::process_with(
            source,
            &file_name_of(path),
            selection,
            &project.settings,
            self.apply(project),
            self.prefilter,
        )
    }

    /// `-`: the text comes from standard input and the configuration is the
    /// one that applies to `--stdin-filename`. `--write` prints the fixed
    /// text on standard output, so everything else goes to standard error.
    fn stdin(&self) -> ExitStatus {
        let name = self.args.stdin_filename.as_deref().unwrap_or(Path::new("-"));
        let mut bytes = Vec::new();
        if let Err(err) = io::stdin().read_to_end(&mut bytes) {
            self.print_error(name, &FileError::Unreadable(err));
            return ExitStatus::Error;
        }
        let (project, absolute) = match self.resolver.for_file(name) {
            Ok(found) => found,
            Err(err) => {
                self.print_config_errors(&[err]);
                return ExitStatus::Error;
            }
        };
        if self.stdin_excluded(name, &project, &absolute) {
            // An excluded file is passed through untouched, as ruff does.
            if self.mode == Mode::Write {
                let _ = io::stdout().write_all(&bytes);
            }
            return ExitStatus::Success;
        }
        let mut totals = Totals { unsafe_fixes: project.unsafe_fixes, ..Totals::default() };
        // `--write` on standard input is a filter: whatever goes wrong, the
        // text comes out unchanged rather than not at all.
        let passthrough = (self.mode == Mode::Write).then(|| bytes.clone());
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
                self.print_error(name, &error);
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
        let threshold = self.threshold(&project);
        match self.mode {
            Mode::Write => {
                let text = report.fixed.as_deref().unwrap_or(&source);
                let _ = stdout.write_all(&output);
                let _ = stdout.flush();
                let mut printer = self.printer(Paint::stderr());
                let file =
                    FileResult { path: &self.display(name), report: &report, text, threshold };
                totals.count(&file);
                let _ = printer.file(&file, &mut stderr);
                let mut summary = io::sink();
                let _ = printer.finish(&totals, &mut stderr, &mut summary);
            }
            _ => {
                let text = report.fixed.clone().unwrap_or_else(|| source.clone());
                let diff = match (&report.fixed, self.mode) {
                    (Some(fixed), Mode::Diff) => {
                        Some(unified_diff(&source, fixed, &self.display(name)))
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
                let mut printer = self.printer(self.stdout_paint);
                self.print_outcome(&outcome, &mut printer, &mut totals);
                let _ = printer.finish(&totals, &mut stdout, &mut stderr);
            }
        }
        let _ = stdout.flush();
        self.finish(&totals)
    }

    fn stdin_excluded(&self, name: &Path, project: &Project, absolute: &Path) -> bool {
        self.args.stdin_filename.is_some()
            && name.as_os_str() != "-"
            && project.force_exclude
            && project.is_excluded_with_ancestors(absolute)
    }

    fn print_outcome(&self, outcome: &Outcome, printer: &mut Printer, totals: &mut Totals) {
        match outcome {
            Outcome::Failed { path, error } => {
                self.print_error(path, error);
                totals.errors += 1;
            }
            Outcome::Done { path, report, text, diff, threshold } => {
                let shown = self.display(path);
                let text = text.as_deref().unwrap_or("");
                let file = FileResult { path: &shown, report, text, threshold: *threshold };
                totals.count(&file);
                let mut stdout = io::stdout().lock();
                match (self.mode, diff) {
                    (Mode::Diff, Some(diff)) => {
                        let _ = stdout.write_all(self.stdout_paint.diff(diff).as_bytes());
                    }
                    _ => {
                        let _ = printer.file(&file, &mut stdout);
                    }
                }
            }
        }
    }

    /// Writes `--summary` and decides the exit status.
    fn finish(&self, totals: &Totals) -> ExitStatus {
        if let Some(path) = &self.args.summary
            && let Err(err) =
                std::fs::write(path, summary::markdown(totals, self.mode, self.registry))
        {
            eprintln!("{}: error: cannot write the summary: {err}", self.display(path));
            return ExitStatus::Error;
        }
        self.exit_status(totals)
    }

    fn print_error(&self, path: &Path, error: &FileError) {
        eprintln!("{}: error: {error}", self.display(path));
    }

    /// `--show-settings`: the resolved settings for each path named.
    fn show_settings(&self) -> ExitStatus {
        let mut out = io::stdout().lock();
        for path in &self.args.paths {
            let found = if path.is_dir() {
                let absolute = self.resolver.absolute(&path.join("__init__.py"));
                let directory = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
                self.resolver.for_directory(&directory).map(|project| (project, directory))
            } else {
                self.resolver.for_file(path)
            };
            match found {
                Ok((project, absolute)) => {
                    let rules = project.rules_for(&absolute);
                    let _ = writeln!(out, "{}", project.describe(&absolute, &rules));
                }
                Err(err) => {
                    self.print_config_errors(&[err]);
                    return ExitStatus::Error;
                }
            }
        }
        ExitStatus::Success
    }

    fn exit_status(&self, totals: &Totals) -> ExitStatus {
        let something_to_report = match self.mode {
            Mode::Diff => totals.files_changed > 0,
            Mode::Check | Mode::Write => totals.findings > 0,
        };
        let fixed_something = totals.files_changed > 0 && self.mode == Mode::Write;
        if totals.errors > 0 {
            ExitStatus::Error
        } else if self.args.exit_zero {
            ExitStatus::Success
        } else if something_to_report || (self.args.exit_non_zero_on_fix && fixed_something) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// The path as the user should see it: relative to the working
    /// directory when it is under it, forward slashes.
    fn display(&self, path: &Path) -> String {
        display_in(&self.working_directory, path)
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| "-".to_string(), |name| name.to_string_lossy().to_string())
}

fn display_in(working_directory: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(working_directory).unwrap_or(path);
    let shown = relative.strip_prefix(".").unwrap_or(relative);
    shown.to_string_lossy().replace('\\', "/")
}

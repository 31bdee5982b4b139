//! The command line: arguments, the parallel run over files, and what is
//! printed. Output is in path order whatever order the threads finish in.

use std::collections::BTreeMap;
use std::env;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use clap::Parser;
use rayon::prelude::*;

use crate::cache::Cache;
use crate::diff::unified_diff;
use crate::engine::{self, FileReport, Finding, Prefilter};
use crate::error::FileError;
use crate::files;
use crate::fix::Applicability;
use crate::settings::Resolver;
use crate::transform::{Transform, select_rules};
use crate::transforms::{ALL, find};

#[derive(Parser, Debug)]
#[command(
    name = "pyfix",
    version,
    about = "Find and fix the mistakes that bite Python code in production.",
    after_help = "Without --diff or --write, pyfix lists its findings.\n\
                  Exit status: 0 nothing to report, 1 findings (or a diff), 2 an error."
)]
struct Args {
    /// Files or directories to process (`-` reads standard input).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// Print a unified diff of the fixes; write nothing.
    #[arg(long, conflicts_with = "write")]
    diff: bool,

    /// Apply the fixes in place.
    #[arg(long)]
    write: bool,

    /// Also apply fixes that may change behaviour (see each rule's documentation).
    #[arg(long)]
    unsafe_fixes: bool,

    /// Rules to run: comma-separated codes, code prefixes or names (default: all).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,

    /// Rules to skip: comma-separated codes, code prefixes or names.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,

    /// The file name standard input stands for (for messages and settings).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,

    /// List every rule: code, name, and the fix it offers.
    #[arg(long, exclusive = true)]
    list_rules: bool,

    /// Do not read or write the cache of files with nothing to report.
    #[arg(long)]
    no_cache: bool,

    /// Where the cache lives [default: .pyfix_cache in the working directory].
    #[arg(long, value_name = "DIR", env = "PYFIX_CACHE_DIR")]
    cache_dir: Option<PathBuf>,

    /// Parse every file, even one whose tokens rule out every selected rule
    /// (slower; reports the syntax errors of such files too).
    #[arg(long)]
    no_prefilter: bool,

    /// Print a rule's documentation.
    #[arg(long, value_name = "RULE", exclusive = true)]
    explain: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Check,
    Diff,
    Write,
}

/// Everything one run needs to process a file.
struct Run {
    mode: Mode,
    apply: Option<Applicability>,
    unsafe_fixes: bool,
    rules: Vec<&'static dyn Transform>,
    settings: Resolver,
    working_directory: PathBuf,
    cache: Option<Cache>,
    prefilter: Prefilter,
}

/// What happened to one file.
enum Outcome {
    Done { path: PathBuf, report: FileReport, diff: Option<String> },
    Failed { path: PathBuf, error: FileError },
}

/// Totals over all files, for the summary and the exit status.
#[derive(Default)]
struct Totals {
    findings: usize,
    fixable_now: usize,
    hidden_unsafe: usize,
    fixes: BTreeMap<&'static str, usize>,
    files_changed: usize,
    errors: usize,
    /// `--write` prints the fixes first and then what remains: the
    /// remaining findings wait here.
    remaining: Vec<u8>,
}

pub fn run() -> u8 {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { 2 } else { 0 };
        }
    };
    if args.list_rules {
        print_rules();
        return 0;
    }
    if let Some(selector) = &args.explain {
        return explain(selector);
    }
    let rules = match select_rules(ALL, &args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(message) => {
            eprintln!("pyfix: error: {message}");
            return 2;
        }
    };
    let mode = if args.diff {
        Mode::Diff
    } else if args.write {
        Mode::Write
    } else {
        Mode::Check
    };
    let run = Run {
        mode,
        apply: match mode {
            Mode::Check => None,
            _ if args.unsafe_fixes => Some(Applicability::Unsafe),
            _ => Some(Applicability::Safe),
        },
        unsafe_fixes: args.unsafe_fixes,
        rules,
        settings: Resolver::default(),
        working_directory: env::current_dir().unwrap_or_default(),
        cache: None,
        prefilter: if args.no_prefilter { Prefilter::Off } else { Prefilter::On },
    };
    let mut run = run;
    if !args.no_cache {
        let dir = args.cache_dir.clone().unwrap_or_else(|| run.working_directory.join(".pyfix_cache"));
        run.cache = Some(Cache::open(&dir, &run.rules));
    }
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        if args.paths.len() > 1 {
            eprintln!("pyfix: error: `-` (standard input) cannot be combined with other paths");
            return 2;
        }
        return run.stdin(args.stdin_filename.as_deref());
    }
    run.paths(&args.paths)
}

fn print_rules() {
    let mut out = io::stdout().lock();
    for rule in ALL {
        let _ = writeln!(out, "{}  {:<30} {}", rule.code(), rule.name(), rule.fix_kind());
    }
}

fn explain(selector: &str) -> u8 {
    match find(selector) {
        Some(rule) => {
            let _ = io::stdout().lock().write_all(rule.explain().as_bytes());
            0
        }
        None => {
            eprintln!("pyfix: error: unknown rule `{selector}` (see `pyfix --list-rules`)");
            2
        }
    }
}

impl Run {
    /// Processes every file under `paths`, in parallel, printing in path order.
    fn paths(mut self, paths: &[PathBuf]) -> u8 {
        let collected = files::collect(paths);
        let mut totals = Totals::default();
        for (path, error) in &collected.errors {
            self.print_error(path, error);
            totals.errors += 1;
        }
        let (sender, receiver) = mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                collected.files.par_iter().enumerate().for_each_with(sender, |sender, (index, path)| {
                    // The receiver lives until every file is sent.
                    let _ = sender.send((index, self.process_file(path)));
                });
            });
            // Results arrive in any order; print them in path order as soon as
            // the next one in line is in.
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for (index, outcome) in receiver {
                waiting.insert(index, outcome);
                while let Some(outcome) = waiting.remove(&next) {
                    self.print_outcome(&outcome, &mut totals);
                    next += 1;
                }
            }
        });
        self.print_summary(&totals, &mut io::stdout().lock(), &mut io::stderr().lock());
        if let Some(cache) = self.cache.take()
            && let Err(err) = cache.save()
        {
            eprintln!("pyfix: warning: cannot write the cache: {err}");
        }
        self.exit_status(&totals)
    }

    fn process_file(&self, path: &Path) -> Outcome {
        let result = files::read(path).and_then(|source| {
            let report = self.process_cached(path, &source)?;
            let diff = match (&report.fixed, self.mode) {
                (Some(fixed), Mode::Diff) => Some(unified_diff(&source, fixed, &self.display(path))),
                (Some(fixed), Mode::Write) => {
                    files::write_atomic(path, &source, fixed)?;
                    None
                }
                _ => None,
            };
            Ok((report, diff))
        });
        match result {
            Ok((report, diff)) => Outcome::Done { path: path.to_path_buf(), report, diff },
            Err(error) => Outcome::Failed { path: path.to_path_buf(), error },
        }
    }

    /// `process_text`, skipped for a file the cache knows has nothing to report.
    fn process_cached(&self, path: &Path, source: &str) -> Result<FileReport, FileError> {
        let Some(cache) = &self.cache else {
            return self.process_text(path, source);
        };
        let settings = self.settings.for_file(path);
        let key = cache.key(&file_name_of(path), &settings, source.as_bytes());
        if cache.is_clean(key) {
            return Ok(FileReport::default());
        }
        let report = self.process_text(path, source)?;
        if report.findings.is_empty() {
            // A file that was fixed is clean in its fixed form once written.
            let clean = match (&report.fixed, self.mode) {
                (None, _) => Some(key),
                (Some(fixed), Mode::Write) => Some(cache.key(&file_name_of(path), &settings, fixed.as_bytes())),
                (Some(_), _) => None,
            };
            if let Some(clean) = clean {
                cache.record_clean(clean);
            }
        }
        Ok(report)
    }

    fn process_text(&self, path: &Path, source: &str) -> Result<FileReport, FileError> {
        let settings = self.settings.for_file(path);
        engine::process_with(source, &file_name_of(path), &self.rules, &settings, self.apply, self.prefilter)
    }

    /// `-`: the text comes from standard input. `--write` prints the fixed
    /// text on standard output, so everything else goes to standard error.
    fn stdin(&self, stdin_filename: Option<&Path>) -> u8 {
        let name = stdin_filename.unwrap_or(Path::new("-"));
        let mut bytes = Vec::new();
        if let Err(err) = io::stdin().read_to_end(&mut bytes) {
            self.print_error(name, &FileError::Unreadable(err));
            return 2;
        }
        let mut totals = Totals::default();
        let result = files::decode(bytes).and_then(|source| {
            let report = self.process_text(name, &source)?;
            Ok((source, report))
        });
        let (source, report) = match result {
            Ok(done) => done,
            Err(error) => {
                self.print_error(name, &error);
                return 2;
            }
        };
        let mut stdout = io::stdout().lock();
        let mut stderr = io::stderr().lock();
        match self.mode {
            Mode::Write => {
                let text = report.fixed.as_deref().unwrap_or(&source);
                let _ = stdout.write_all(text.as_bytes());
                self.count(&report, &mut totals);
                print_findings(name.display(), &report.findings, self.threshold(), &mut totals.remaining);
                self.print_summary(&totals, &mut stderr, &mut io::sink());
            }
            _ => {
                let diff = match (&report.fixed, self.mode) {
                    (Some(fixed), Mode::Diff) => Some(unified_diff(&source, fixed, &self.display(name))),
                    _ => None,
                };
                let outcome = Outcome::Done { path: name.to_path_buf(), report, diff };
                self.print_outcome(&outcome, &mut totals);
                self.print_summary(&totals, &mut stdout, &mut stderr);
            }
        }
        let _ = stdout.flush();
        self.exit_status(&totals)
    }

    fn print_outcome(&self, outcome: &Outcome, totals: &mut Totals) {
        match outcome {
            Outcome::Failed { path, error } => {
                self.print_error(path, error);
                totals.errors += 1;
            }
            Outcome::Done { path, report, diff } => {
                self.count(report, totals);
                let mut stdout = io::stdout().lock();
                match self.mode {
                    Mode::Diff => {
                        if let Some(diff) = diff {
                            let _ = stdout.write_all(diff.as_bytes());
                        }
                    }
                    Mode::Check => {
                        print_findings(self.display(path), &report.findings, self.threshold(), &mut stdout);
                    }
                    Mode::Write => {
                        let shown = self.display(path);
                        print_findings(shown, &report.findings, self.threshold(), &mut totals.remaining);
                    }
                }
            }
        }
    }

    fn count(&self, report: &FileReport, totals: &mut Totals) {
        totals.findings += report.findings.len();
        for finding in &report.findings {
            match finding.fix {
                Some(Applicability::Safe) => totals.fixable_now += 1,
                Some(Applicability::Unsafe) if self.unsafe_fixes => totals.fixable_now += 1,
                Some(Applicability::Unsafe) => totals.hidden_unsafe += 1,
                _ => {}
            }
        }
        for (code, count) in &report.fixes {
            *totals.fixes.entry(code).or_default() += count;
        }
        if report.fixed.is_some() {
            totals.files_changed += 1;
        }
    }

    fn print_error(&self, path: &Path, error: &FileError) {
        eprintln!("{}: error: {error}", self.display(path));
    }

    /// The summary: findings and fixes on `out`; in `--diff` mode on `err`,
    /// so that standard output is nothing but the diff.
    fn print_summary(&self, totals: &Totals, out: &mut dyn Write, err: &mut dyn Write) {
        let fixed: usize = totals.fixes.values().sum();
        let per_rule = || {
            totals.fixes.iter().map(|(code, n)| format!("{code}: {n}")).collect::<Vec<_>>().join(", ")
        };
        let hint = unsafe_hint(totals.hidden_unsafe);
        let _ = match self.mode {
            Mode::Diff if fixed > 0 => writeln!(
                err,
                "Would fix {} in {} ({}).{hint}",
                plural(fixed, "finding"),
                plural(totals.files_changed, "file"),
                per_rule()
            ),
            Mode::Diff => writeln!(err, "No fixes to apply.{hint}"),
            Mode::Write => {
                if fixed > 0 {
                    let _ = writeln!(
                        out,
                        "Fixed {} in {} ({}).",
                        plural(fixed, "finding"),
                        plural(totals.files_changed, "file"),
                        per_rule()
                    );
                }
                let _ = out.write_all(&totals.remaining);
                match totals.findings {
                    0 => writeln!(out, "No findings remain."),
                    n => writeln!(out, "Found {} that remain.{hint}", plural(n, "finding")),
                }
            }
            Mode::Check => match totals.findings {
                0 => writeln!(out, "No findings."),
                n => {
                    let _ = writeln!(out, "Found {}.", plural(n, "finding"));
                    if totals.fixable_now > 0 {
                        let flags = if self.unsafe_fixes { "--write --unsafe-fixes" } else { "--write" };
                        let _ = writeln!(out, "[*] {} fixable with `{flags}`.", totals.fixable_now);
                    }
                    match hint.is_empty() {
                        true => Ok(()),
                        false => writeln!(out, "{}", hint.trim_start()),
                    }
                }
            },
        };
    }

    /// The least safe fix this run applies (or would, with `--write`).
    fn threshold(&self) -> Applicability {
        if self.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe }
    }

    fn exit_status(&self, totals: &Totals) -> u8 {
        let something_to_report = match self.mode {
            Mode::Diff => totals.files_changed > 0,
            Mode::Check | Mode::Write => totals.findings > 0,
        };
        if totals.errors > 0 {
            2
        } else if something_to_report {
            1
        } else {
            0
        }
    }

    /// The path as the user should see it: relative to the working
    /// directory when it is under it, forward slashes.
    fn display(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.working_directory).unwrap_or(path);
        let shown = relative.strip_prefix(".").unwrap_or(relative);
        shown.to_string_lossy().replace('\\', "/")
    }
}

/// One line per finding; `[*]` marks those the current flags can fix.
fn print_findings(path: impl std::fmt::Display, findings: &[Finding], threshold: Applicability, out: &mut dyn Write) {
    for finding in findings {
        let mark = match finding.fix {
            Some(fix) if fix >= threshold && fix != Applicability::DisplayOnly => "[*] ",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{path}:{}:{}: {} {mark}{}",
            finding.line, finding.column, finding.code, finding.message
        );
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| "-".to_string(), |name| name.to_string_lossy().to_string())
}

fn unsafe_hint(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        1 => " (1 more fix available with `--unsafe-fixes`.)".to_string(),
        n => format!(" ({n} more fixes available with `--unsafe-fixes`.)"),
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

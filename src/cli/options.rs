//! The arguments resolved once into what a run needs: the mode, the settings
//! of each file, the cache, the verifier, the output and the exit policy.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::args::Args;
use crate::cli::exit::{ExitPolicy, ExitStatus};
use crate::cli::verify::Verifier;
use crate::config::resolver::{Discovery, Overrides, Project, Resolver};
use crate::config::{self, ConfigError};
use crate::engine::Prefilter;
use crate::report::{
    LogLevel, Mode, OutputFormat, Paint, Printer, PrinterOptions, Totals, summary,
};
use crate::rule::Registry;
use crate::rule::fix::Applicability;

/// Everything a run takes from the command line, checked.
pub(crate) struct Options {
    /// The rules pyfix knows; the configuration selects among them.
    pub(crate) registry: Registry,
    pub(crate) mode: Mode,
    /// The paths named on the command line; `-` is standard input.
    pub(crate) paths: Vec<PathBuf>,
    /// `--stdin-filename`: the file standard input stands for.
    pub(crate) stdin_filename: Option<PathBuf>,
    /// `--show-settings`: print each path's settings instead of processing it.
    pub(crate) show_settings: bool,
    /// `--show-files`: print the files a run would check instead of checking them.
    pub(crate) show_files: bool,
    /// `--add-noqa`: add a `# noqa` directive for each finding instead of reporting it.
    pub(crate) add_noqa: bool,
    /// The settings of each file: configuration files, then the flags.
    pub(crate) resolver: Arc<Resolver>,
    pub(crate) prefilter: Prefilter,
    /// Where the cache lives; `None` with `--no-cache`.
    pub(crate) cache_dir: Option<PathBuf>,
    /// `--verify` when fixes are applied: the interpreter, already started.
    pub(crate) verifier: Option<Verifier>,
    pub(crate) output: Output,
    pub(crate) exit: ExitPolicy,
    /// Paths under it are shown relative to it.
    working_directory: PathBuf,
}

/// How the findings are printed.
pub(crate) struct Output {
    pub(crate) format: OutputFormat,
    pub(crate) statistics: bool,
    pub(crate) show_fixes: bool,
    /// `--fix-only`: only what was fixed is reported, not what remains.
    pub(crate) fix_only: bool,
    pub(crate) level: LogLevel,
    /// Colour on standard output, decided once for the run.
    pub(crate) stdout_paint: Paint,
    /// `--summary`: the file the Markdown description of the fixes goes to.
    pub(crate) summary: Option<PathBuf>,
    /// `docs-url` of the project of the working directory: where the rule
    /// pages the JSON and SARIF outputs link to are published.
    pub(crate) docs_url: Option<String>,
}

/// Why the arguments cannot run: the whole line to print on standard error
/// before exiting with status 2.
pub(crate) struct Invalid(String);

impl Invalid {
    fn usage(message: impl fmt::Display) -> Invalid {
        Invalid(format!("pyfix: error: {message}"))
    }

    /// A configuration error names the file (and line) at fault.
    fn config(err: &ConfigError, working_directory: &Path) -> Invalid {
        Invalid(format!("{}: error: {}", display_in(working_directory, &err.path), err.reason()))
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Options {
    /// Writes `--summary` and decides the exit status.
    pub(crate) fn finish(&self, totals: &Totals) -> ExitStatus {
        if let Some(path) = &self.output.summary
            && let Err(err) =
                std::fs::write(path, summary::markdown(totals, self.mode, self.registry))
        {
            eprintln!("{}: error: cannot write the summary: {err}", self.display(path));
            return ExitStatus::Error;
        }
        self.exit.status(totals, self.mode)
    }

    /// Checks the arguments and prepares the run, in the order the errors
    /// are reported: rule selectors, `--summary`, the configuration, then
    /// the interpreter of `--verify`.
    pub(crate) fn resolve(args: Args, registry: Registry) -> Result<Options, Invalid> {
        check_selectors(&args, registry).map_err(Invalid::usage)?;
        let mode = mode_of(&args);
        if args.summary.is_some() && mode == Mode::Check {
            return Err(Invalid::usage("--summary needs --write or --diff"));
        }
        let working_directory = std::env::current_dir().unwrap_or_default();
        let resolver =
            resolver(&args, registry).map_err(|err| Invalid::config(&err, &working_directory))?;
        let cache_dir = cache_dir(&args, &resolver, &working_directory);
        let prefilter = if args.no_prefilter { Prefilter::Off } else { Prefilter::On };
        let verifier = start_verifier(&args, mode)?;
        let docs_url = resolver
            .for_directory(&working_directory)
            .ok()
            .and_then(|project| project.docs_url.clone());
        Ok(Options {
            registry,
            mode,
            output: Output { docs_url, ..Output::from_args(&args) },
            exit: ExitPolicy {
                exit_zero: args.exit_zero,
                exit_non_zero_on_fix: args.exit_non_zero_on_fix,
                fix_only: args.fix_only,
            },
            paths: args.paths,
            stdin_filename: args.stdin_filename,
            show_settings: args.show_settings,
            show_files: args.show_files,
            add_noqa: args.add_noqa,
            resolver: Arc::new(resolver),
            prefilter,
            cache_dir,
            verifier,
            working_directory,
        })
    }

    /// True when `-` is among the paths.
    pub(crate) fn reads_stdin(&self) -> bool {
        self.paths.iter().any(|path| path.as_os_str() == "-")
    }

    /// The least safe fix this run applies to files of `project`.
    pub(crate) fn threshold(&self, project: &Project) -> Applicability {
        if project.unsafe_fixes { Applicability::Unsafe } else { Applicability::Safe }
    }

    /// The fixes a run applies: none when only checking.
    pub(crate) fn apply(&self, project: &Project) -> Option<Applicability> {
        match self.mode {
            Mode::Check => None,
            Mode::Diff | Mode::Write => Some(self.threshold(project)),
        }
    }

    /// Only the full format shows source lines.
    pub(crate) fn keeps_text(&self) -> bool {
        self.output.format == OutputFormat::Full
    }

    pub(crate) fn printer(&self, paint: Paint) -> Printer {
        Printer::new(PrinterOptions {
            format: self.output.format,
            statistics: self.output.statistics,
            show_fixes: self.output.show_fixes,
            fix_only: self.output.fix_only,
            level: self.output.level,
            mode: self.mode,
            paint,
            registry: self.registry,
            docs_url: self.output.docs_url.clone(),
        })
    }

    /// The path as the user should see it: relative to the working
    /// directory when it is under it, forward slashes.
    pub(crate) fn display(&self, path: &Path) -> String {
        display_in(&self.working_directory, path)
    }
}

fn mode_of(args: &Args) -> Mode {
    if args.diff {
        Mode::Diff
    } else if args.write || args.fix_only {
        Mode::Write
    } else {
        Mode::Check
    }
}

impl Output {
    fn from_args(args: &Args) -> Output {
        Output {
            format: args.output_format,
            statistics: args.statistics,
            show_fixes: args.show_fixes,
            fix_only: args.fix_only,
            level: level_of(args),
            stdout_paint: Paint::stdout(),
            summary: args.summary.clone(),
            docs_url: None,
        }
    }
}

fn level_of(args: &Args) -> LogLevel {
    if args.silent {
        LogLevel::Silent
    } else if args.quiet {
        LogLevel::Quiet
    } else {
        LogLevel::Normal
    }
}

/// `--verify` starts its interpreter once for the run, and only when fixes
/// are applied: checking applies none, so there is nothing to compile.
fn start_verifier(args: &Args, mode: Mode) -> Result<Option<Verifier>, Invalid> {
    if !args.verify || mode == Mode::Check {
        return Ok(None);
    }
    Verifier::start(&args.python).map(Some).map_err(Invalid::usage)
}

/// Where the cache lives, `None` with `--no-cache`.
pub(crate) fn cache_dir(
    args: &Args,
    resolver: &Resolver,
    working_directory: &Path,
) -> Option<PathBuf> {
    (!args.no_cache).then(|| {
        args.cache_dir
            .clone()
            .unwrap_or_else(|| project_root(resolver, working_directory).join(".pyfix_cache"))
    })
}

/// Where the default cache goes, as ruff's does: the root of the project
/// the working directory belongs to (the folder of its configuration file,
/// the root `--show-settings` names), not wherever pyfix is run from.
fn project_root(resolver: &Resolver, working_directory: &Path) -> PathBuf {
    resolver
        .for_directory(working_directory)
        .map_or_else(|_| working_directory.to_path_buf(), |project| project.root.clone())
}

/// Unknown selectors on the command line are a usage error, as in a configuration.
pub(crate) fn check_selectors(args: &Args, registry: Registry) -> Result<(), String> {
    let all = args
        .select
        .iter()
        .flatten()
        .chain(&args.extend_select)
        .chain(&args.ignore)
        .chain(args.fixable.iter().flatten())
        .chain(&args.extend_fixable)
        .chain(&args.unfixable);
    for selector in all {
        if !registry.knows(selector) {
            return Err(format!("unknown rule selector `{selector}` (see `pyfix --list-rules`)"));
        }
    }
    Ok(())
}

/// The resolver the flags ask for: `--isolated`, `--config PATH`, inline
/// `--config KEY=VALUE` options, and the overrides.
pub(crate) fn resolver(args: &Args, registry: Registry) -> Result<Resolver, ConfigError> {
    let flags = config::Options {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        fixable: args.fixable.clone(),
        extend_fixable: args.extend_fixable.clone(),
        unfixable: args.unfixable.clone(),
        unsafe_fixes: flag_pair(args.unsafe_fixes, args.no_unsafe_fixes),
        exclude: args.exclude.clone(),
        extend_exclude: args.extend_exclude.clone(),
        force_exclude: flag_pair(args.force_exclude, args.no_force_exclude),
        target_version: args.target_version,
        ..config::Options::default()
    };
    let mut overrides = Overrides { flags, inline: Default::default() };
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

/// `--flag` / `--no-flag`: `Some` when either is given (clap keeps the last).
fn flag_pair(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

fn display_in(working_directory: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(working_directory).unwrap_or(path);
    let shown = relative.strip_prefix(".").unwrap_or(relative);
    shown.to_string_lossy().replace('\\', "/")
}

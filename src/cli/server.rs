//! `pyfix server`: the command that starts the language server.
//!
//! `server` is the command only as the very first argument, so that an
//! editor's `pyfix server` works in any folder. A file or folder named
//! `server` is still checked when named any other way: `pyfix ./server`,
//! `pyfix server/`, `pyfix -- server`, or after a flag
//! (`pyfix --diff server`); `pyfix server.py` is a path as always.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Parser;

use crate::cache::Cache;
use crate::cli::args::Args;
use crate::cli::codemods;
use crate::cli::exit::ExitStatus;
use crate::cli::options;
use crate::cli::paths;
use crate::rule::Registry;
use crate::server::{self, Workspace};

/// `arguments` (the program's name first) name the `server` command.
pub(crate) fn is_server_command(arguments: &[OsString]) -> bool {
    arguments.get(1).is_some_and(|first| first == "server")
}

/// Runs the language server with the settings flags that follow `server`.
pub(crate) fn run(mut arguments: Vec<OsString>, registry: Registry) -> ExitStatus {
    arguments.remove(1);
    if Path::new("server").exists() {
        eprintln!(
            "pyfix: note: `pyfix server` starts the language server; \
             to check the path `server`, run `pyfix ./server`"
        );
    }
    let mut args = match Args::try_parse_from(arguments) {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    if let Err(message) = only_settings(&args) {
        eprintln!("pyfix: error: {message}");
        return ExitStatus::Error;
    }
    // Flags that name no rule, or rule files that cannot be read, stop the
    // server before it starts, as they stop a run.
    if let Err(line) = rules_for(&args, registry) {
        eprintln!("{line}");
        return ExitStatus::Error;
    }
    // The server works from the workspace's folder: configuration and rule
    // files named relative to where it was started must still be found.
    for value in &mut args.config {
        if Path::new(value.as_str()).is_file()
            && let Ok(absolute) = std::fs::canonicalize(value.as_str())
        {
            *value = absolute.to_string_lossy().to_string();
        }
    }
    for path in &mut args.rules {
        if let Ok(absolute) = std::fs::canonicalize(&*path) {
            *path = absolute;
        }
    }
    let make_workspace = Box::new(move || workspace(&args, registry));
    match server::run(make_workspace) {
        Ok(()) => ExitStatus::Success,
        Err(message) => {
            eprintln!("pyfix server: {message}");
            ExitStatus::Failure
        }
    }
}

/// The registry with the project's own rules, once the flags that select
/// rules are known to name rules that exist.
fn rules_for(args: &Args, registry: Registry) -> Result<(Args, Registry), String> {
    let mut args = args.clone();
    let custom = codemods::prepare(&mut args, registry)?;
    options::check_selectors(&args, custom.registry)
        .map_err(|message| format!("pyfix: error: {message}"))?;
    Ok((args, custom.registry))
}

/// Reads the configuration of the workspace (the current folder): its
/// rules, the settings of each file, and the cache, where a run from this
/// folder keeps it.
fn workspace(args: &Args, registry: Registry) -> Result<Workspace, String> {
    let (args, registry) = rules_for(args, registry)?;
    let resolver =
        options::resolver(&args, registry).map_err(|err| server::describe_config_error(&err))?;
    let working_directory = std::env::current_dir().unwrap_or_default();
    let cache = options::cache_dir(&args, &resolver, &working_directory)
        .map(|dir| Cache::open(&dir, registry));
    let resolver = Arc::new(resolver);
    let project = paths::workspace_index(&resolver);
    Ok(Workspace { registry, resolver, cache, project })
}

/// The server takes the flags that choose settings; paths and the flags
/// that choose what a run does belong to a run.
fn only_settings(args: &Args) -> Result<(), String> {
    if args.paths != [PathBuf::from(".")] {
        return Err("`pyfix server` takes no paths (the editor sends the files); \
                    to check a path named `server`, run `pyfix ./server`"
            .into());
    }
    let run_flags = [
        (args.diff, "--diff"),
        (args.write, "--write"),
        (args.fix_only, "--fix-only"),
        (args.add_noqa, "--add-noqa"),
        (args.show_settings, "--show-settings"),
        (args.show_files, "--show-files"),
        (args.stdin_filename.is_some(), "--stdin-filename"),
        (args.statistics, "--statistics"),
        (args.summary.is_some(), "--summary"),
    ];
    match run_flags.iter().find(|(given, _)| *given) {
        Some((_, flag)) => Err(format!(
            "`pyfix server` does not take {flag}; to check a path named `server`, \
             run `pyfix {flag} ./server`"
        )),
        None => Ok(()),
    }
}

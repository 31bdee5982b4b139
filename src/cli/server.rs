//! `pyfix server`: the command that starts the language server.
//!
//! `server` is the command only as the very first argument, so that an
//! editor's `pyfix server` works in any folder. A file or folder named
//! `server` is still checked when named any other way: `pyfix ./server`,
//! `pyfix server/`, `pyfix -- server`, or after a flag
//! (`pyfix --diff server`); `pyfix server.py` is a path as always.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::args::Args;
use crate::cli::exit::ExitStatus;
use crate::cli::options;
use crate::rule::Registry;
use crate::server;

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
    if let Err(message) = options::check_selectors(&args, registry) {
        eprintln!("pyfix: error: {message}");
        return ExitStatus::Error;
    }
    // The server works from the workspace's folder: a configuration file
    // named relative to where it was started must still be found.
    for value in &mut args.config {
        if Path::new(value.as_str()).is_file()
            && let Ok(absolute) = std::fs::canonicalize(value.as_str())
        {
            *value = absolute.to_string_lossy().to_string();
        }
    }
    let make_resolver = Box::new(move || options::resolver(&args, registry));
    match server::run(registry, make_resolver) {
        Ok(()) => ExitStatus::Success,
        Err(message) => {
            eprintln!("pyfix server: {message}");
            ExitStatus::Failure
        }
    }
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

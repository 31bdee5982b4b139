//! The command line: the arguments, then either a command that prints
//! information, `pyfix server` (the language server, in `crate::server`), or
//! a run over standard input or the files under the paths.
//! Output is in path order whatever order the threads finish in; how it
//! looks is `report`'s business.

pub mod files;
pub mod verify;

mod args;
mod codemods;
mod exit;
mod info;
mod options;
mod outcome;
mod paths;
mod pipeline;
mod progress;
mod server;
mod stdin;

use clap::Parser;

use crate::cli::args::Args;
use crate::cli::options::Options;
use crate::engine;
use crate::rule::Registry;

pub use crate::cli::exit::ExitStatus;

/// Runs pyfix with the process's arguments and the rules in `registry`;
/// returns the exit status.
pub fn run(registry: Registry) -> ExitStatus {
    engine::install_panic_hook();
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if server::is_server_command(&arguments) {
        return server::run(arguments, registry);
    }
    let mut args = match Args::try_parse_from(arguments) {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            // `--help` and `--version` come this way too, and are no error.
            return if err.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    let custom = match codemods::prepare(&mut args, registry) {
        Ok(custom) => custom,
        Err(line) => {
            eprintln!("{line}");
            return ExitStatus::Error;
        }
    };
    let registry = custom.registry;
    if args.test_rules {
        return codemods::test_rules(&custom);
    }
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
    if options.reads_stdin() && options.paths.len() > 1 {
        eprintln!("pyfix: error: `-` (standard input) cannot be combined with other paths");
        return ExitStatus::Error;
    }
    if options.show_files {
        return paths::show_files(&options);
    }
    if options.add_noqa {
        if options.reads_stdin() {
            eprintln!("pyfix: error: --add-noqa edits files: it cannot read standard input");
            return ExitStatus::Error;
        }
        return paths::add_noqa(&options);
    }
    // Opt-in totals of the work done, for the benchmark's budget per rule.
    let profiling = std::env::var_os("PYFIX_PROFILE").is_some_and(|value| value != "0");
    if profiling {
        engine::profile::enable();
    }
    let status = if options.reads_stdin() { stdin::run(&options) } else { paths::run(&options) };
    if profiling {
        eprint!("{}", engine::profile::totals());
    }
    status
}

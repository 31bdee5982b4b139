//! The commands that print information and exit: `--list-rules`,
//! `--explain` and `--show-settings`.

use std::io::{self, Write};
use std::path::Path;

use crate::cli::exit::ExitStatus;
use crate::cli::options::Options;
use crate::cli::outcome::print_config_errors;
use crate::rule::Registry;

/// `--list-rules`: one line per rule, its code, name and fix.
pub(crate) fn list_rules(registry: Registry) -> ExitStatus {
    let mut out = io::stdout().lock();
    for rule in registry.rules() {
        let _ = writeln!(out, "{}  {:<30} {}", rule.code(), rule.name(), rule.meta().fix);
    }
    ExitStatus::Success
}

/// `--explain`: the documentation of the rule `selector` names.
pub(crate) fn explain(selector: &str, registry: Registry) -> ExitStatus {
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

/// `--show-settings`: the resolved settings for each path named.
pub(crate) fn show_settings(options: &Options) -> ExitStatus {
    let resolver = &options.resolver;
    let mut out = io::stdout().lock();
    for path in &options.paths {
        let found = if path.is_dir() {
            let absolute = resolver.absolute(&path.join("__init__.py"));
            let directory = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
            resolver.for_directory(&directory).map(|project| (project, directory))
        } else {
            resolver.for_file(path)
        };
        match found {
            Ok((project, absolute)) => {
                let rules = project.rules_for(&absolute);
                let _ = writeln!(out, "{}", project.describe(&absolute, &rules));
            }
            Err(err) => {
                print_config_errors(options, &[err]);
                return ExitStatus::Error;
            }
        }
    }
    ExitStatus::Success
}

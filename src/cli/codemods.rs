//! Custom rules for a run: loaded from the configuration's `rule-dirs` and
//! `--rules`, added to the registry after the built-in rules (so that
//! `--select`, `# noqa` and every output know them), `--codemod NAME` turned
//! into a selection, and `--test-rules` run.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::cli::args::Args;
use crate::cli::exit::ExitStatus;
use crate::codemod::Rule;
use crate::config::ConfigError;
use crate::config::codemods::{discover, load_rules};
use crate::engine;
use crate::report::diff::unified_diff;
use crate::rule::fix::Applicability;
use crate::rule::settings::{PythonVersion, Settings};
use crate::rule::{Registry, Transform};

/// The registry of the run, and the custom rules in it.
pub(crate) struct Custom {
    pub(crate) registry: Registry,
    pub(crate) rules: Vec<&'static Rule>,
}

/// Loads the custom rules and extends `registry` with them; `--codemod`
/// becomes the selection. The error is the line to print (exit status 2).
pub(crate) fn prepare(args: &mut Args, registry: Registry) -> Result<Custom, String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |err: ConfigError| format!("{}: error: {}", display(&cwd, &err.path), err.reason());
    let fixed = args
        .config
        .iter()
        .find(|value| Path::new(value).is_file() || !value.contains('='))
        .map(PathBuf::from);
    let configured = if args.isolated {
        Default::default()
    } else {
        discover(&cwd, fixed.as_deref()).map_err(shown)?
    };
    if configured.rule_paths.is_empty()
        && args.rules.is_empty()
        && args.codemod.is_none()
        && !args.test_rules
    {
        return Ok(Custom { registry, rules: Vec::new() });
    }
    let mut loaded = load_rules(&configured.rule_paths, &configured.root).map_err(shown)?;
    let extra: Vec<PathBuf> = args.rules.iter().map(|path| cwd.join(path)).collect();
    loaded.extend(load_rules(&extra, &cwd).map_err(shown)?);
    // Codes and ids are unique among all rules, built-in or not.
    for (index, rule) in loaded.iter().enumerate() {
        let clash = registry
            .find(rule.code())
            .or_else(|| registry.find(rule.name()))
            .map(|other| format!("{} ({})", other.code(), other.name()))
            .or_else(|| {
                loaded[..index]
                    .iter()
                    .find(|other| {
                        other.code() == rule.code()
                            || other.name() == rule.name()
                            || other.code().eq_ignore_ascii_case(rule.code())
                    })
                    .map(|other| format!("{} in {}", other.code(), display(&cwd, &other.path)))
            });
        if let Some(clash) = clash {
            return Err(format!(
                "{}: error: rule `{}` ({}) has the code or id of rule {clash}",
                display(&cwd, &rule.path),
                rule.name(),
                rule.code()
            ));
        }
    }
    let mut order: Vec<usize> = (0..loaded.len()).collect();
    if let Some(name) = &args.codemod {
        let Some((_, members)) = configured.codemods.iter().find(|(known, _)| known == name) else {
            let known: Vec<&str> = configured.codemods.iter().map(|(n, _)| n.as_str()).collect();
            let place = configured
                .config_file
                .as_deref()
                .map_or_else(|| "no configuration file".to_string(), |path| display(&cwd, path));
            return Err(format!(
                "pyfix: error: unknown codemod `{name}` ({place} defines: {})",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ));
        };
        let mut selected = Vec::new();
        let mut first = Vec::new();
        for member in members {
            if let Some(index) = loaded
                .iter()
                .position(|rule| rule.code().eq_ignore_ascii_case(member) || rule.name() == member)
            {
                first.push(index);
                selected.push(loaded[index].code().to_string());
            } else if let Some(rule) = registry.find(member) {
                selected.push(rule.code().to_string());
            } else {
                return Err(format!(
                    "pyfix: error: codemod `{name}` names `{member}`, which is no rule"
                ));
            }
        }
        order.retain(|index| !first.contains(index));
        first.extend(order);
        order = first;
        args.select = Some(selected);
    }
    let mut slots: Vec<Option<Rule>> = loaded.into_iter().map(Some).collect();
    let rules: Vec<&'static Rule> = order
        .iter()
        .filter_map(|&index| slots[index].take())
        .map(|rule| &*Box::leak(Box::new(rule)))
        .collect();
    let mut all: Vec<&'static dyn Transform> = registry.rules().to_vec();
    all.extend(rules.iter().map(|rule| *rule as &'static dyn Transform));
    let registry = Registry::new(Box::leak(all.into_boxed_slice()));
    Ok(Custom { registry, rules })
}

/// `--test-rules`: every rule's `[[test]]` must be reported (and fixed into
/// its `output`), every `no-match` input must find nothing. Failures show
/// a diff; the exit status is 1 when one fails.
pub(crate) fn test_rules(custom: &Custom) -> ExitStatus {
    let cwd = std::env::current_dir().unwrap_or_default();
    if custom.rules.is_empty() {
        eprintln!("pyfix: error: no custom rules to test (set `rule-dirs` or pass --rules)");
        return ExitStatus::Error;
    }
    let (mut passed, mut failed) = (0, 0);
    let mut out = io::stdout().lock();
    for rule in &custom.rules {
        let path = display(&cwd, &rule.path);
        let settings = Settings {
            target_version: rule
                .requires_python
                .map_or(PythonVersion::DEFAULT, |version| version.max(PythonVersion::DEFAULT)),
            target_version_stated: true,
            ..Settings::default()
        };
        let only: [&dyn Transform; 1] = [*rule];
        let selection = custom.registry.selection(&only);
        let mut failures = Vec::new();
        let total = rule.tests.len() + rule.no_match.len();
        for test in &rule.tests {
            let report = engine::process(
                &test.input,
                "test.py",
                selection,
                &settings,
                Some(Applicability::Unsafe),
            );
            let place = format!("{path}:{}", test.line);
            match report {
                Err(err) => failures.push(format!("{place}: the input cannot be processed: {err}")),
                Ok(report) => {
                    let found = !report.fixes.is_empty() || !report.findings.is_empty();
                    let actual = report.fixed.as_deref().unwrap_or(&test.input);
                    match &test.output {
                        _ if !found => {
                            failures.push(format!("{place}: the input was not reported"))
                        }
                        Some(expected) if expected != actual => failures.push(format!(
                            "{place}: the fix differs from `output` (- expected, + actual):\n{}",
                            unified_diff(expected, actual, "test.py")
                        )),
                        _ => {}
                    }
                }
            }
        }
        for example in &rule.no_match {
            let place = format!("{path}:{}", example.line);
            match engine::process(&example.input, "test.py", selection, &settings, None) {
                Err(err) => failures.push(format!("{place}: the input cannot be processed: {err}")),
                Ok(report) if !report.findings.is_empty() => {
                    let lines: Vec<String> =
                        report.findings.iter().map(|finding| finding.line.to_string()).collect();
                    failures.push(format!(
                        "{place}: a no-match input was reported (its line {})",
                        lines.join(", ")
                    ));
                }
                Ok(_) => {}
            }
        }
        if total == 0 {
            let _ = writeln!(out, "{path}: {} ({}) has no tests", rule.name(), rule.code());
        }
        failed += failures.len();
        passed += total - failures.len();
        if failures.is_empty() {
            if total > 0 {
                let _ = writeln!(
                    out,
                    "ok   {path}: {} ({}), {total} test(s)",
                    rule.name(),
                    rule.code()
                );
            }
        } else {
            for failure in failures {
                let _ = writeln!(out, "FAIL {failure}");
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    if failed > 0 { ExitStatus::Failure } else { ExitStatus::Success }
}

fn display(cwd: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

//! Behavioural tests: a snapshot shows what a fix writes; these show that
//! the fixed code does what it should. Each `tests/behaviour/<rule>/*.py`
//! holds buggy code followed by assertions. pyfix fixes the file with its
//! rule (unsafe fixes included), then `python3` runs both versions: the
//! fixed one must pass, and the original must fail, which proves the
//! assertions can tell the bug from the fix.
//!
//! A run passes when `python3` exits with status 0 and its output (standard
//! output and error) contains every `expect-output` and no `reject-output`.
//!
//! Header lines a scenario can set:
//! - `# before: passes`: the original passes too (a fix that keeps behaviour);
//! - `# args: --help`: command-line arguments for the run;
//! - `# expect-output: TEXT`: the output must contain TEXT (repeatable);
//! - `# reject-output: TEXT`: the output must not contain TEXT (repeatable),
//!   e.g. what a stand-in module prints when it is imported;
//! - `# python-path: DIR`: a folder (next to the scenario) put on `PYTHONPATH`,
//!   e.g. for stand-ins of heavy modules. Such folders hold no scenarios.
//!
//! A scenario of several files (`# file: pkg/mod.py` lines start each one),
//! for a rule that reads the whole project, is checked against what its
//! findings claim instead (`findings_about_projects_hold`). With the header
//! line `# fixed: every order imports` (before the first `# file:`), some
//! module must fail to import first, and once the rule's fixes are applied
//! (unsafe ones included) every module must import first.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use pyfix::rule::Applicability;

struct Scenario {
    before_passes: bool,
    args: Vec<String>,
    expected_output: Vec<String>,
    rejected_output: Vec<String>,
    python_path: Option<String>,
}

fn header(source: &str) -> Scenario {
    let mut scenario = Scenario {
        before_passes: false,
        args: Vec::new(),
        expected_output: Vec::new(),
        rejected_output: Vec::new(),
        python_path: None,
    };
    for line in source.lines().take_while(|line| line.starts_with('#')) {
        if let Some(value) = line.strip_prefix("# before:") {
            scenario.before_passes = value.trim() == "passes";
        } else if let Some(value) = line.strip_prefix("# args:") {
            scenario.args = value.split_whitespace().map(str::to_string).collect();
        } else if let Some(value) = line.strip_prefix("# expect-output:") {
            scenario.expected_output.push(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("# reject-output:") {
            scenario.rejected_output.push(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("# python-path:") {
            scenario.python_path = Some(value.trim().to_string());
        }
    }
    scenario
}

/// Why a run did not pass (see the module doc), if it did not.
fn failure(scenario: &Scenario, (exited_ok, output): &(bool, String)) -> Option<String> {
    if !exited_ok {
        return Some("non-zero exit status".to_string());
    }
    if let Some(missing) =
        scenario.expected_output.iter().find(|text| !output.contains(text.as_str()))
    {
        return Some(format!("output lacks `{missing}`"));
    }
    let rejected = scenario.rejected_output.iter().find(|text| output.contains(text.as_str()));
    rejected.map(|text| format!("output contains `{text}`"))
}

fn run_python(script: &Path, scenario: &Scenario, folder: &Path) -> (bool, String) {
    let mut command = Command::new("python3");
    command.arg(script).args(&scenario.args).current_dir(script.parent().unwrap());
    command.env("PYTHONDONTWRITEBYTECODE", "1");
    if let Some(dir) = &scenario.python_path {
        command.env("PYTHONPATH", folder.join(dir));
    }
    let output = command.output().expect("python3 runs");
    let mut text = String::from_utf8_lossy(&output.stdout).to_string();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn fixed_code_behaves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut folders: Vec<_> =
        fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    folders.sort();
    for folder in folders {
        let rule = common::rule_for_folder(&folder.file_name().unwrap().to_string_lossy());
        let mut scripts: Vec<_> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|ext| ext == "py"))
            .collect();
        scripts.sort();
        for script in scripts {
            count += 1;
            let source = fs::read_to_string(&script).unwrap();
            if common::project_files(&source).is_some() {
                // A project of several files: `findings_about_projects_hold`.
                continue;
            }
            let scenario = header(&source);
            let name = script.file_name().unwrap().to_string_lossy().to_string();
            let fixed = common::fix_all(&source, &name, &[rule]);
            let work = common::temp_dir("behaviour");
            let (before_path, after_path) =
                (work.path().join("before").join(&name), work.path().join("after").join(&name));
            for (path, text) in [(&before_path, &source), (&after_path, &fixed)] {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            let label = format!("{}/{name}", rule.name());
            if fixed == source {
                failures.push(format!("{label}: pyfix changed nothing"));
                continue;
            }
            let after = run_python(&after_path, &scenario, &folder);
            if let Some(reason) = failure(&scenario, &after) {
                let output = &after.1;
                failures.push(format!("{label}: the fixed code fails ({reason}):\n{output}\n--- fixed code ---\n{fixed}"));
            }
            let before = run_python(&before_path, &scenario, &folder);
            if failure(&scenario, &before).is_none() != scenario.before_passes {
                let expected = if scenario.before_passes { "pass" } else { "fail" };
                let output_before = &before.1;
                failures.push(format!(
                    "{label}: the original was expected to {expected}:\n{output_before}"
                ));
            }
        }
    }
    assert!(count > 0, "no behaviour scenarios found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A scenario of several files (`# file:` lines, for a rule that reads the
/// whole project) is checked against what its findings claim: an import
/// said to fail when a module is imported first fails so under `python3`
/// ("partially initialized module"), and when no finding claims a failure,
/// every module imports, whichever is imported first.
#[test]
fn findings_about_projects_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour");
    let mut failures = Vec::new();
    let mut count = 0;
    for folder in fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let rule = common::rule_for_folder(&folder.file_name().unwrap().to_string_lossy());
        for script in fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()) {
            let source = fs::read_to_string(&script).unwrap_or_default();
            let Some(files) = common::project_files(&source) else { continue };
            count += 1;
            let label =
                format!("{}/{}", rule.name(), script.file_name().unwrap().to_string_lossy());
            let work = common::temp_dir("project-behaviour");
            let reports = common::run_project(work.path(), &files, &[rule], None);
            let messages: Vec<&str> = reports
                .iter()
                .flat_map(|(_, report)| report.findings.iter().map(|f| f.message.as_str()))
                .collect();
            if messages.is_empty() {
                failures.push(format!("{label}: no finding, so nothing is claimed"));
                continue;
            }
            let claimed: Vec<&str> = messages
                .iter()
                .filter_map(|message| message.split("when `").nth(1)?.split('`').next())
                .collect();
            let modules = files.iter().map(|(path, _)| {
                path.trim_end_matches(".py").trim_end_matches("/__init__").replace('/', ".")
            });
            for module in modules {
                let (imports, output) = import_first(work.path(), &module);
                let fails_partially = output.contains("partially initialized module");
                if claimed.contains(&module.as_str()) && (imports || !fails_partially) {
                    failures.push(format!("{label}: `{module}` was said to fail first:\n{output}"));
                }
                if claimed.is_empty() && !imports {
                    failures.push(format!("{label}: `{module}` does not import:\n{output}"));
                }
            }
            if source
                .lines()
                .take_while(|line| !line.starts_with("# file:"))
                .any(|line| line.trim() == "# fixed: every order imports")
            {
                failures.extend(fixed_imports_in_every_order(&label, &files, rule, &claimed));
            }
        }
    }
    assert!(count > 0, "no project scenarios found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A scenario whose import fails in some order (`claimed`) imports in
/// every order once fixed: what is wrong, if anything.
fn fixed_imports_in_every_order(
    label: &str,
    files: &[(String, String)],
    rule: &dyn pyfix::rule::Transform,
    claimed: &[&str],
) -> Vec<String> {
    if claimed.is_empty() {
        return vec![format!("{label}: no import order is said to fail, so no fix is shown")];
    }
    let work = common::temp_dir("project-behaviour-fixed");
    let reports = common::run_project(work.path(), files, &[rule], Some(Applicability::Unsafe));
    let mut fixed_text = String::new();
    for ((path, text), (_, report)) in files.iter().zip(&reports) {
        let fixed = report.fixed.as_ref().unwrap_or(text);
        fs::write(work.path().join(path), fixed).unwrap();
        fixed_text.push_str(&format!("# file: {path}\n{fixed}"));
    }
    let mut failures = Vec::new();
    for (path, _) in files {
        let module = path.trim_end_matches(".py").trim_end_matches("/__init__").replace('/', ".");
        let (imports, output) = import_first(work.path(), &module);
        if !imports {
            failures.push(format!(
                "{label}: once fixed, `{module}` does not import first:\n{output}\n--- fixed \
                 code ---\n{fixed_text}"
            ));
        }
    }
    failures
}

/// Imports `module` in a fresh `python3` started in `root`.
fn import_first(root: &Path, module: &str) -> (bool, String) {
    let output = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .current_dir(root)
        .output()
        .expect("python3 runs");
    let mut text = String::from_utf8_lossy(&output.stdout).to_string();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

//! Before/after tests: every `tests/fixtures/<rule>/<scenario>.py` is run
//! through its rule, and the findings and the diff of the fixed file
//! (unsafe fixes included) are an insta snapshot in `snapshots/`.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use pyfix::report::diff::unified_diff;
use pyfix::rule::Applicability;
use pyfix::rule::Transform;
use pyfix::transforms::ALL;

fn folder_of(path: &Path) -> String {
    path.parent().and_then(|p| p.file_name()).unwrap().to_string_lossy().to_string()
}

/// What a fixture shows: its findings before, and the diff after fixing.
fn describe(path: &Path) -> (String, String) {
    let source = fs::read_to_string(path).unwrap();
    let rule = common::rule_for_folder(&folder_of(path));
    let rules = common::fixture_rules(&source, rule);
    if let Some(files) = common::project_files(&source) {
        return describe_project(&files, &rules);
    }
    let file_name = path.file_name().unwrap().to_string_lossy().to_string();
    let before = common::run(&source, &file_name, &rules, None);
    let fixed = common::fix_all(&source, &file_name, &rules);
    let after = common::run(&fixed, &file_name, &rules, None);

    let mut text = String::from("## findings\n");
    for finding in &before.findings {
        let fix = finding.fix.map_or("no fix".to_string(), |fix| format!("{} fix", fix.label()));
        writeln!(
            text,
            "{}:{} {} [{fix}] {}",
            finding.line, finding.column, finding.code, finding.message
        )
        .unwrap();
    }
    text.push_str("\n## diff (--unsafe-fixes)\n");
    text.push_str(&unified_diff(&source, &fixed, &file_name));
    if !after.findings.is_empty() {
        text.push_str("\n## remaining after fixes\n");
        for finding in &after.findings {
            writeln!(
                text,
                "{}:{} {} {}",
                finding.line, finding.column, finding.code, finding.message
            )
            .unwrap();
        }
    }
    (text, fixed)
}

/// `describe` for a fixture of several files (`# file:` lines), run as
/// one project: findings and diffs are per file, and the fixed text is the
/// fixture's with each file fixed.
fn describe_project(files: &[(String, String)], rules: &[&dyn Transform]) -> (String, String) {
    let root = common::temp_dir("project-fixture");
    let before = common::run_project(root.path(), files, rules, None);
    let fixed = common::run_project(root.path(), files, rules, Some(Applicability::Unsafe));
    let fixed_files: Vec<(String, String)> = files
        .iter()
        .zip(&fixed)
        .map(|((path, text), (_, report))| {
            (path.clone(), report.fixed.clone().unwrap_or_else(|| text.clone()))
        })
        .collect();
    let again = common::run_project(root.path(), &fixed_files, rules, Some(Applicability::Unsafe));
    for (path, report) in &again {
        assert!(report.fixed.is_none(), "{path}: a second run changed the file again");
    }
    let mut text = String::from("## findings\n");
    for (path, report) in &before {
        for finding in &report.findings {
            let fix =
                finding.fix.map_or("no fix".to_string(), |fix| format!("{} fix", fix.label()));
            writeln!(
                text,
                "{path}:{}:{} {} [{fix}] {}",
                finding.line, finding.column, finding.code, finding.message
            )
            .unwrap();
        }
    }
    text.push_str("\n## diff (--unsafe-fixes)\n");
    let mut whole = String::new();
    for ((path, original), (_, fixed_text)) in files.iter().zip(&fixed_files) {
        text.push_str(&unified_diff(original, fixed_text, path));
        writeln!(whole, "# file: {path}").unwrap();
        whole.push_str(fixed_text);
    }
    (text, whole)
}

/// Every fixture file, sorted: `tests/fixtures/<rule>/<scenario>.py[i]`.
fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for folder in fs::read_dir(root).unwrap() {
        for entry in fs::read_dir(folder.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "py" || ext == "pyi") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Snapshots are named `<rule>__<scenario>`, so that a rule's snapshots sit
/// together and keep their names when other rules are added.
#[test]
fn fixtures() {
    let compiled = common::temp_dir("fixtures");
    let mut written: Vec<PathBuf> = Vec::new();
    let mut failed = Vec::new();
    for path in fixture_files() {
        let folder = folder_of(&path);
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        let stem = file_name.trim_end_matches(".py").replace(".pyi", "_pyi");
        let name = format!("{folder}__{stem}");
        let outcome = std::panic::catch_unwind(|| {
            let (text, fixed) = describe(&path);
            insta::with_settings!({
                snapshot_path => "../snapshots",
                prepend_module_to_snapshot => false,
                input_file => &path,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name.as_str(), text);
            });
            fixed
        });
        match outcome {
            Ok(fixed) => {
                let out = compiled.path().join(format!("{name}.py"));
                fs::write(&out, fixed).unwrap();
                written.push(out);
            }
            Err(_) => failed.push(name),
        }
    }
    assert!(failed.is_empty(), "fixtures that failed: {failed:?}");
    let errors = common::python_compile_errors(&written);
    assert!(errors.is_empty(), "fixed fixtures that CPython rejects:\n{}", errors.join("\n"));
}

/// Adding a rule is one file in `transforms/`, one line in `ALL`, one
/// fixtures folder, a behaviour test, and a documented header: each missing
/// piece fails here.
#[test]
fn every_rule_is_registered_documented_and_tested() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = fs::read_dir(root.join("transforms"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().to_string())
        .filter(|stem| stem != "mod")
        .collect();
    files.sort();
    let mut registered: Vec<String> =
        ALL.iter().map(|rule| rule.name().replace('-', "_")).collect();
    registered.sort();
    assert_eq!(files, registered, "every file in transforms/ must be in ALL, and only those");

    for rule in ALL {
        let folder = rule.name().replace('-', "_");
        let fixtures = root.join("tests/fixtures").join(&folder);
        let count = fs::read_dir(&fixtures).map(|dir| dir.count()).unwrap_or(0);
        assert!(
            count >= 2,
            "{}: needs at least two fixtures in {}",
            rule.code(),
            fixtures.display()
        );
        let behaviour = root.join("tests/behaviour").join(&folder);
        assert!(
            behaviour.is_dir(),
            "{}: needs behaviour tests in {}",
            rule.code(),
            behaviour.display()
        );
        check_documentation(*rule);
    }
    let codes: Vec<&str> = ALL.iter().map(|rule| rule.code()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "ALL is in code order, each code once");
}

fn check_documentation(rule: &dyn Transform) {
    let doc = rule.meta().documentation();
    let title = format!("# {} ({})", rule.name(), rule.code());
    assert!(doc.starts_with(&title), "{}: documentation must start with `{title}`", rule.code());
    for heading in ["## What it does", "## Why is this bad?", "## Example", "## Fix safety"] {
        assert!(doc.contains(heading), "{}: documentation lacks `{heading}`", rule.code());
    }
    let says_safety = match rule.meta().fix {
        pyfix::rule::FixKind::None => true,
        _ => ["Safe", "Unsafe", "safe", "unsafe"].iter().any(|word| {
            doc.split("## Fix safety").nth(1).is_some_and(|section| section.contains(word))
        }),
    };
    assert!(
        says_safety,
        "{}: the fix safety section must say whether the fix is safe",
        rule.code()
    );
    let _ = Applicability::Safe;
}

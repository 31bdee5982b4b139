//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pyfix::engine::{self, FileReport};
use pyfix::rule::Applicability;
use pyfix::rule::Transform;
use pyfix::rule::settings::{PythonVersion, Settings};
use pyfix::transforms::{ALL, REGISTRY};

/// The rule whose file in `transforms/` is `<folder>.rs`.
pub fn rule_for_folder(folder: &str) -> &'static dyn Transform {
    let name = folder.replace('_', "-");
    ALL.iter()
        .copied()
        .find(|rule| rule.name() == name)
        .unwrap_or_else(|| panic!("no rule named `{name}` for folder `{folder}`"))
}

/// The rules a fixture runs: its folder's rule, plus those an
/// `# also-run: PF001, ...` (or `# also-run: ALL`) line names, for a rule
/// that judges other rules' findings (PF100).
pub fn fixture_rules(source: &str, rule: &'static dyn Transform) -> Vec<&'static dyn Transform> {
    let mut rules = vec![rule];
    for line in source.lines().filter_map(|line| line.strip_prefix("# also-run:")) {
        for selector in line.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let extra = ALL.iter().copied().filter(|other| {
                selector == "ALL" || other.code() == selector || other.name() == selector
            });
            rules.extend(extra);
        }
    }
    let mut seen = Vec::new();
    rules.retain(|rule| {
        let new = !seen.contains(&rule.code());
        seen.push(rule.code());
        new
    });
    rules.sort_by_key(|rule| rule.code());
    rules
}

/// Settings from `# settings: target-version=3.8` (or `heavy-modules=a,b.c`,
/// `module=pkg.cli`: the module's name in its package, `console-script`: the
/// packaging declares it a command, `folders=tools/pkg`: the folders between
/// the project root and the module) lines in a fixture.
pub fn fixture_settings(source: &str) -> Settings {
    let mut settings = Settings::default();
    for line in source.lines().filter_map(|line| line.strip_prefix("# settings:")) {
        for pair in line.split_whitespace() {
            if let Some(version) = pair.strip_prefix("target-version=") {
                let (major, minor) = version.split_once('.').expect("target-version=3.8");
                settings.target_version =
                    PythonVersion(major.parse().unwrap(), minor.parse().unwrap());
                settings.target_version_stated = true;
            } else if let Some(modules) = pair.strip_prefix("heavy-modules=") {
                settings.heavy_modules = modules.split(',').map(str::to_string).collect();
            } else if let Some(name) = pair.strip_prefix("module=") {
                settings.module.name = Some(name.to_string());
                settings.module.in_package = name.contains('.');
            } else if let Some(folders) = pair.strip_prefix("folders=") {
                settings.module.folders = folders.split('/').map(str::to_string).collect();
            } else if pair == "console-script" {
                settings.module.command = true;
            }
        }
    }
    settings
}

/// Runs `rules` over `source`, applying fixes at least as safe as `apply`.
pub fn run(
    source: &str,
    file_name: &str,
    rules: &[&dyn Transform],
    apply: Option<Applicability>,
) -> FileReport {
    engine::process(source, file_name, REGISTRY.selection(rules), &fixture_settings(source), apply)
        .unwrap_or_else(|err| panic!("{file_name}: {err}"))
}

/// Fixes `source` with every fix (unsafe included) of `rules`, and checks
/// that a second run changes nothing.
pub fn fix_all(source: &str, file_name: &str, rules: &[&dyn Transform]) -> String {
    let report = run(source, file_name, rules, Some(Applicability::Unsafe));
    let fixed = report.fixed.unwrap_or_else(|| source.to_string());
    let again = run(&fixed, file_name, rules, Some(Applicability::Unsafe));
    assert!(again.fixed.is_none(), "{file_name}: a second run changed the file again:\n{fixed}");
    fixed
}

/// A fresh empty directory under the target directory.
pub fn temp_dir(label: &str) -> tempfile::TempDir {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    fs::create_dir_all(&base).unwrap();
    tempfile::Builder::new().prefix(label).tempdir_in(base).unwrap()
}

/// Compiles each file with `python3`, in one process. Returns `path: error`
/// for each file that does not compile.
pub fn python_compile_errors(paths: &[PathBuf]) -> Vec<String> {
    if paths.is_empty() {
        return Vec::new();
    }
    let list = temp_dir("compile-list");
    let list_file = list.path().join("files.txt");
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    fs::write(&list_file, names.join("\n")).unwrap();
    let script = r#"
import sys, warnings
warnings.simplefilter("ignore")
for path in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    try:
        compile(open(path, "rb").read(), path, "exec", dont_inherit=True)
    except Exception as e:
        print(f"{path}: {type(e).__name__}: {e}")
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&list_file)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect()
}

/// Runs `python3 path` and returns (success, stdout + stderr).
pub fn run_python(path: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("python3").arg(path).args(args).output().expect("python3 runs");
    let mut text = String::from_utf8_lossy(&output.stdout).to_string();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// Why a run with the prefilter and skeletons (see `pyfix::syntax::skeleton`) says
/// something else about `source` than a run that parses it whole, fixing
/// with `apply` or not; `None` when both agree on the fixed text, the fixes
/// and every finding. A syntax error in a body no rule needs may go unseen
/// when nothing is fixed: that is the one difference allowed.
pub fn skeletons_differ(
    source: &str,
    file_name: &str,
    settings: &Settings,
    apply: Option<Applicability>,
) -> Option<String> {
    let fast = engine::process_with(
        source,
        file_name,
        REGISTRY.select_all(),
        settings,
        apply,
        engine::Prefilter::On,
    );
    let whole = engine::process_with(
        source,
        file_name,
        REGISTRY.select_all(),
        settings,
        apply,
        engine::Prefilter::Off,
    );
    let same = match (&fast, &whole) {
        (Ok(fast), Ok(whole)) => {
            fast.fixed == whole.fixed
                && fast.fixes == whole.fixes
                && fast.unsafe_fixes == whole.unsafe_fixes
                && fast.findings == whole.findings
        }
        (Err(fast), Err(whole)) => fast.to_string() == whole.to_string(),
        (Ok(fast), Err(_)) => fast.fixed.is_none(),
        (Err(_), Ok(_)) => false,
    };
    (!same).then(|| {
        format!("skeletons and whole parses differ ({apply:?}): {fast:?}\nagainst\n{whole:?}")
    })
}

/// A fixture that stands for several files: `# file: pkg/mod.py` lines
/// start each one. Returns (path, text) of each, or `None` for a fixture
/// of one file.
pub fn project_files(source: &str) -> Option<Vec<(String, String)>> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in source.split_inclusive('\n') {
        match line.strip_prefix("# file: ") {
            Some(path) => files.push((path.trim().to_string(), String::new())),
            None => {
                if let Some((_, text)) = files.last_mut() {
                    text.push_str(line);
                }
            }
        }
    }
    (!files.is_empty()).then_some(files)
}

/// Writes the files of a project fixture under `root` (with a
/// `pyproject.toml`, so that it is a project root), indexes them as a run
/// over `root` would, and runs `rules` over each file with what the index
/// says about it, applying fixes at least as safe as `apply`. Returns
/// (path, report) per file, in the fixture's order.
pub fn run_project(
    root: &Path,
    files: &[(String, String)],
    rules: &[&dyn Transform],
    apply: Option<Applicability>,
) -> Vec<(String, FileReport)> {
    use pyfix::config::packaging::Packaging;
    use pyfix::project::{ModuleFile, ProjectIndex};
    fs::write(root.join("pyproject.toml"), "").unwrap();
    for (path, text) in files {
        let absolute = root.join(path);
        fs::create_dir_all(absolute.parent().unwrap()).unwrap();
        fs::write(&absolute, text).unwrap();
    }
    let packaging = Packaging::new();
    let modules: Vec<ModuleFile> = files
        .iter()
        .map(|(path, _)| ModuleFile::new(root.join(path), &packaging.locate(&root.join(path), &[])))
        .collect();
    let index = ProjectIndex::build(modules.clone());
    files
        .iter()
        .zip(&modules)
        .map(|((path, text), module)| {
            let mut settings = fixture_settings(text);
            settings.module = packaging.locate(&module.absolute, &[]);
            if let Some(facts) = index.facts_for(&module.absolute) {
                settings.project = facts.clone();
            }
            let file_name = Path::new(path).file_name().unwrap().to_string_lossy().to_string();
            let report =
                engine::process(text, &file_name, REGISTRY.selection(rules), &settings, apply)
                    .unwrap_or_else(|err| panic!("{path}: {err}"));
            (path.clone(), report)
        })
        .collect()
}

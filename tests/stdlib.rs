//! The CPython standard library installed on this machine, as real code
//! nobody here wrote: after `--write --unsafe-fixes` on a copy, every file
//! that compiled before still compiles, no file hits an internal error, and
//! a second run has nothing left to change.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn stdlib_path() -> PathBuf {
    let output = Command::new("python3")
        .args(["-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"])
        .output()
        .expect("python3 runs");
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

/// Copies the `.py` files under `from` (not site-packages) into `to`.
fn copy_python_files(from: &Path, to: &Path) -> Vec<PathBuf> {
    let mut copied = Vec::new();
    let mut pending = vec![from.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            let name = entry.file_name();
            if kind.is_dir() && name != "site-packages" && name != "__pycache__" {
                pending.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "py") {
                let target = to.join(path.strip_prefix(from).unwrap());
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::copy(&path, &target).unwrap();
                copied.push(target);
            }
        }
    }
    copied.sort();
    copied
}

/// Valid files tree-sitter-python cannot parse. Each is skipped with a
/// message and left untouched, which is safe; the list keeps it honest.
const TREE_SITTER_GAPS: &[&str] = &[
    // A continuation line inside brackets dedented below its block
    // (`(bar.\n        baz)` in `test_weird_attribute_position_regressions`).
    "test/test_compile.py",
];

fn pyfix(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pyfix"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("pyfix runs")
}

#[test]
fn stdlib_still_compiles_after_every_fix() {
    let copy = common::temp_dir("stdlib");
    let files = copy_python_files(&stdlib_path(), copy.path());
    assert!(files.len() > 1000, "expected the stdlib, found {} files", files.len());

    let broken_before: Vec<String> = common::python_compile_errors(&files);
    let broken_path = |line: &String| line.split(": ").next().unwrap_or_default().to_string();
    let broken_before: std::collections::HashSet<String> =
        broken_before.iter().map(broken_path).collect();

    let out = pyfix(copy.path(), &["--write", "--unsafe-fixes", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(matches!(out.status.code(), Some(0..=2)), "{stderr}");
    assert!(!stderr.contains("internal error"), "internal errors:\n{stderr}");
    let fixed_line =
        stdout.lines().find(|line| line.starts_with("Fixed")).unwrap_or("nothing fixed");
    eprintln!("stdlib: {} files; {fixed_line}", files.len());
    // A file pyfix refused must be one that CPython refuses too, or one it
    // cannot read as UTF-8.
    for line in stderr.lines() {
        let path = line.split(": error: ").next().unwrap();
        let full = copy.path().join(path).display().to_string();
        let known_gap = TREE_SITTER_GAPS.contains(&path);
        let acceptable = broken_before.contains(&full)
            || known_gap
            || line.contains("not UTF-8")
            || line.contains("not valid UTF-8");
        assert!(acceptable, "pyfix refused a file CPython compiles: {line}");
    }

    let broken_after = common::python_compile_errors(&files);
    let newly_broken: Vec<&String> =
        broken_after.iter().filter(|line| !broken_before.contains(&broken_path(line))).collect();
    assert!(newly_broken.is_empty(), "fixes broke these files:\n{newly_broken:#?}");

    let again = pyfix(copy.path(), &["--diff", "--unsafe-fixes", "."]);
    let diff = String::from_utf8_lossy(&again.stdout);
    assert!(
        diff.is_empty(),
        "a second run still changes files:\n{}",
        &diff[..diff.len().min(4000)]
    );
}

//! The prefilter may only skip work, never findings: on every file of the
//! CPython standard library, the rules whose `may_match` says "no" must find
//! nothing when they are run anyway.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pyfix::engine::{Prefilter, process_with};
use pyfix::scan::scan;
use pyfix::settings::Settings;
use pyfix::transform::{FileInfo, Transform};
use pyfix::transforms::ALL;

fn python_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() && entry.file_name() != "site-packages" {
                pending.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "py") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_rule_ruled_out_by_its_prefilter_finds_nothing() {
    let output = Command::new("python3")
        .args(["-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"])
        .output()
        .expect("python3 runs");
    let stdlib = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    let settings = Settings::default();
    let mut checked = 0;
    let mut skipped_rule_runs = 0;
    let mut misses = Vec::new();
    for path in python_files(&stdlib) {
        let Ok(source) = fs::read_to_string(&path) else { continue };
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        let scanned = scan(source.as_bytes());
        let info = FileInfo { file_name: &file_name, settings: &settings };
        let ruled_out: Vec<&dyn Transform> =
            ALL.iter().copied().filter(|rule| !rule.may_match(&scanned, &info)).collect();
        if scanned.suspicious || ruled_out.is_empty() {
            continue;
        }
        checked += 1;
        skipped_rule_runs += ruled_out.len();
        let Ok(report) = process_with(&source, &file_name, &ruled_out, &settings, None, Prefilter::Off) else {
            continue; // a file tree-sitter cannot parse has no findings to miss
        };
        for finding in report.findings {
            misses.push(format!("{}:{}: {} {}", path.display(), finding.line, finding.code, finding.message));
        }
    }
    assert!(checked > 1000, "expected the stdlib, checked {checked} files");
    eprintln!("{checked} files, {skipped_rule_runs} rule runs the prefilter would skip");
    assert!(misses.is_empty(), "the prefilter skipped real findings:\n{}", misses.join("\n"));
}

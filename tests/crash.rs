//! Crash-safe writes: `pyfix --write` killed with SIGKILL at random moments
//! leaves every file either exactly as it was or exactly fixed, never half
//! written; a normal run leaves no temporary file behind.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 2000;

fn original(index: usize) -> String {
    format!("def add_{index}(item, items=[]):\n    items.append(item)\n    return items\n")
}

fn fixed(index: usize) -> String {
    format!(
        "def add_{index}(item, items=None):\n    if items is None:\n        items = []\n    items.append(item)\n    return items\n"
    )
}

fn file_name(index: usize) -> String {
    format!("pkg{}/mod_{index}.py", index % 20)
}

fn fresh_tree(dir: &Path) {
    if dir.exists() {
        fs::remove_dir_all(dir).unwrap();
    }
    for index in 0..FILES {
        support::write(dir, &file_name(index), &original(index));
    }
}

fn write_command(dir: &Path) -> Command {
    let mut command = support::command(dir, &["--write", "--unsafe-fixes", "--no-cache", "."]);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command
}

/// A small deterministic generator: the test must be repeatable.
struct Lcg(u64);

impl Lcg {
    fn next_fraction(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn temporary_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().unwrap().to_string_lossy().starts_with(".pyfix-") {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Every file is the original or the fixed text; returns how many are fixed.
fn check_whole_files(dir: &Path) -> usize {
    let mut fixed_count = 0;
    for index in 0..FILES {
        let text = fs::read_to_string(dir.join(file_name(index))).unwrap();
        if text == fixed(index) {
            fixed_count += 1;
        } else {
            assert_eq!(
                text,
                original(index),
                "file {index} is neither the original nor the fixed version"
            );
        }
    }
    fixed_count
}

#[test]
fn a_killed_write_leaves_whole_files_only() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("crash");
    let tree = base.join("tree");
    fresh_tree(&tree);
    let started = Instant::now();
    assert!(write_command(&tree).status().unwrap().code() == Some(0));
    let full_run = started.elapsed();
    assert_eq!(check_whole_files(&tree), FILES);
    assert_eq!(temporary_files(&tree), Vec::<String>::new(), "a normal run left temporary files");

    let mut random = Lcg(0x5eed);
    let mut partly_fixed_rounds = 0;
    for _ in 0..8 {
        fresh_tree(&tree);
        let mut child = write_command(&tree).spawn().unwrap();
        std::thread::sleep(full_run.mul_f64(random.next_fraction()).max(Duration::from_millis(1)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let fixed_count = check_whole_files(&tree);
        if 0 < fixed_count && fixed_count < FILES {
            partly_fixed_rounds += 1;
        }
        // A run after the crash finishes the job.
        assert_eq!(write_command(&tree).status().unwrap().code(), Some(0));
        assert_eq!(check_whole_files(&tree), FILES);
    }
    // The kills must have landed mid-run at least sometimes, or the test
    // proved nothing.
    assert!(partly_fixed_rounds > 0, "no kill landed while files were being written");
    fs::remove_dir_all(&base).unwrap();
}

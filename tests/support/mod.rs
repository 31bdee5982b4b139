//! Helpers for the end-to-end tests of configuration, suppression, output,
//! summaries and hooks: run the binary in a throw-away project.
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BUGGY: &str = "def add(item, items=[]):\n    items.append(item)\n    return items\n";
pub const FIXED: &str = "def add(item, items=None):\n    if items is None:\n        items = []\n    items.append(item)\n    return items\n";

/// A project in a fresh directory. It holds its own `pyproject.toml`
/// (without settings) unless the files give one, so that no configuration
/// above it (this repository's own `pyproject.toml`) takes part.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    fs::create_dir_all(&base).unwrap();
    let dir = tempfile::Builder::new().prefix("eco").tempdir_in(base).unwrap();
    if !files.iter().any(|(name, _)| *name == "pyproject.toml") {
        fs::write(dir.path().join("pyproject.toml"), "[project]\nname = \"demo\"\n").unwrap();
    }
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pyfix"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

pub fn pyfix(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("pyfix runs")
}

pub fn pyfix_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = command(dir, args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("pyfix runs")
}

pub fn pyfix_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    run_with_stdin(command(dir, args), input)
}

pub fn run_with_stdin(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pyfix runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

/// `git` in `dir`, quietly, with an identity of its own.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=pyfix-test",
            "-c",
            "user.email=test@localhost",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

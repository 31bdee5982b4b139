//! `--verify`: CPython compiles each fixed file before it is written.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use support::{BUGGY, FIXED, code, project, pyfix, pyfix_env, read, stderr, stdout, write};

/// A stand-in interpreter speaking `--verify`'s protocol: it rejects any
/// source holding `REJECT_MARK`, accepts the rest, and appends its process
/// id to `$PIDS` when it starts, so a test can count the processes.
const FAKE_PYTHON: &str = r#"#!/usr/bin/env python3
import os, sys
with open(os.environ["PIDS"], "a") as pids:
    pids.write(f"{os.getpid()}\n")
read, write = sys.stdin.buffer, sys.stdout.buffer
while header := read.readline():
    path_length, source_length = map(int, header.split())
    read.read(path_length)
    source = read.read(source_length)
    if os.environ["REJECT_MARK"].encode() in source:
        message = b"SyntaxError: rejected for the test at line 2"
        write.write(b"error %d\n" % len(message) + message)
    else:
        write.write(b"ok\n")
    write.flush()
"#;

fn fake_python(dir: &Path) -> String {
    let path = dir.join("fake-python");
    fs::write(&path, FAKE_PYTHON).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn files_that_compile_are_written() {
    let dir = project(&[("a.py", BUGGY), ("b.py", BUGGY)]);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--verify", "."]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(read(dir.path(), "a.py"), FIXED);
    assert_eq!(read(dir.path(), "b.py"), FIXED);
}

#[test]
fn a_fixed_file_python_rejects_is_not_written_and_one_interpreter_serves_the_run() {
    let dir = project(&[]);
    for index in 0..20 {
        write(dir.path(), &format!("ok{index}.py"), BUGGY);
    }
    write(
        dir.path(),
        "bad.py",
        "# REJECT-ME once fixed\ndef add(item, items=[]):\n    items.insert(0, item)\n    return items\n",
    );
    let python = fake_python(dir.path());
    let pids = dir.path().join("pids.txt");
    let env = [
        ("PIDS", pids.to_str().unwrap()),
        ("REJECT_MARK", "is None:\n        items = []\n    items.insert"),
    ];
    let output = pyfix_env(
        dir.path(),
        &["--write", "--unsafe-fixes", "--verify", "--python", &python, "."],
        &env,
    );

    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output).lines().find(|line| line.contains("bad.py")),
        Some(
            "bad.py: error: the fixed file does not compile under Python (SyntaxError: rejected for the test \
             at line 2); fixes by PF001 not applied, file left unchanged"
        )
    );
    assert!(read(dir.path(), "bad.py").contains("items=[]"), "the rejected file was written");
    assert_eq!(read(dir.path(), "ok7.py"), FIXED, "the run went on");
    assert_eq!(
        fs::read_to_string(&pids).unwrap().lines().count(),
        1,
        "one interpreter for the whole run"
    );
}

#[test]
fn a_rejected_diff_is_not_shown() {
    let dir = project(&[("a.py", BUGGY)]);
    let python = fake_python(dir.path());
    let pids = dir.path().join("pids.txt");
    let env = [("PIDS", pids.to_str().unwrap()), ("REJECT_MARK", "is None")];
    let output = pyfix_env(
        dir.path(),
        &["--diff", "--unsafe-fixes", "--verify", "--python", &python, "a.py"],
        &env,
    );
    assert_eq!(code(&output), 2);
    assert!(!stdout(&output).contains("+++"), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("a.py: error: the fixed file does not compile"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_original_python_rejects_is_not_blamed_on_the_fix() {
    // tree-sitter accepts a default after `**kw`; CPython does not.
    let source = format!("{BUGGY}g = lambda **kw, i=1: i\n");
    let dir = project(&[("a.py", &source)]);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--verify", "a.py"]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(
        message.starts_with(
            "a.py: error: --verify: Python rejects the original file too (SyntaxError: "
        ),
        "{message}"
    );
    assert_eq!(read(dir.path(), "a.py"), source);
}

#[test]
fn a_missing_interpreter_stops_the_run_before_any_write() {
    let dir = project(&[("a.py", BUGGY)]);
    let output =
        pyfix(dir.path(), &["--write", "--verify", "--python", "/nonexistent/python3", "a.py"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).starts_with("pyfix: error: --verify cannot start `/nonexistent/python3`")
    );
    assert_eq!(read(dir.path(), "a.py"), BUGGY);
}

#[test]
fn standard_input_is_verified_too() {
    let dir = project(&[]);
    let python = fake_python(dir.path());
    let pids = dir.path().join("pids.txt");
    let mut command = support::command(
        dir.path(),
        &["--write", "--unsafe-fixes", "--verify", "--python", &python, "-"],
    );
    command.env("PIDS", &pids).env("REJECT_MARK", "is None");
    let output = support::run_with_stdin(command, BUGGY);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("-: error: the fixed file does not compile"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        stdout(&output),
        BUGGY,
        "a filter gives its input back unchanged when it cannot fix it"
    );
}

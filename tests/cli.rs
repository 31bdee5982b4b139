//! The binary end to end: flags, output, exit codes and errors.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BUGGY: &str = "def add(item, items=[]):\n    items.append(item)\n    return items\n";
const FIXED: &str = "def add(item, items=None):\n    if items is None:\n        items = []\n    items.append(item)\n    return items\n";

fn pyfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyfix"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("pyfix runs")
}

fn pyfix_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyfix"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pyfix runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = common::temp_dir("cli");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn lists_findings_and_exits_1() {
    let dir = project(&[("pkg/a.py", BUGGY), ("pkg/clean.py", "x = 1\n")]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("pkg/a.py:1:21: PF001 `items` defaults to a mutable list"), "{text}");
    assert!(text.contains("Found 1 finding."), "{text}");
    assert!(text.contains("1 more fix available with `--unsafe-fixes`"), "{text}");

    let out = pyfix(dir.path(), &["--unsafe-fixes"]);
    assert!(stdout(&out).contains("PF001 [*] `items`"), "{}", stdout(&out));
    assert!(stdout(&out).contains("[*] 1 fixable with `--write --unsafe-fixes`."));
}

#[test]
fn no_findings_exits_0() {
    let dir = project(&[("a.py", "def f(x=None):\n    return x\n")]);
    let out = pyfix(dir.path(), &["a.py"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "No findings.\n");
}

#[test]
fn diff_prints_a_patch_and_writes_nothing() {
    let dir = project(&[("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--diff", "--unsafe-fixes", "."]);
    assert_eq!(code(&out), 1);
    let diff = stdout(&out);
    assert!(diff.starts_with("--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,5 @@\n"), "{diff}");
    assert!(stderr(&out).contains("Would fix 1 finding in 1 file (PF001: 1)."), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), BUGGY);

    // Without --unsafe-fixes there is nothing to apply: no diff, exit 0.
    let out = pyfix(dir.path(), &["--diff"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("1 more fix available with `--unsafe-fixes`"));
}

/// The diff, applied by `git apply` and by `patch -p1`, gives exactly what
/// `--write` writes, for LF and CRLF files and a file without a final newline.
#[test]
fn diff_applies_to_exactly_what_write_writes() {
    let files = [
        ("lf.py", BUGGY.to_string()),
        ("crlf.py", BUGGY.replace('\n', "\r\n")),
        ("sub/no_newline.py", BUGGY.trim_end().to_string()),
        ("tabs.py", "class A:\n\tdef m(self, x={}):\n\t\treturn x\n".to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let written = project(&files);
    let out = pyfix(written.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));

    for tool in ["git", "patch"] {
        let patched = project(&files);
        let out = pyfix(patched.path(), &["--diff", "--unsafe-fixes"]);
        let patch_file = patched.path().join("fix.patch");
        fs::write(&patch_file, out.stdout).unwrap();
        let status = match tool {
            "git" => Command::new("git")
                .args(["apply", "--unsafe-paths", "fix.patch"])
                .current_dir(patched.path())
                .status(),
            _ => Command::new("patch")
                .args(["-p1", "-s", "-i", "fix.patch"])
                .current_dir(patched.path())
                .status(),
        };
        let Ok(status) = status else {
            eprintln!("{tool} is not installed; skipping that half");
            continue;
        };
        assert!(status.success(), "{tool} could not apply the diff");
        for (name, _) in &files {
            let expected = fs::read(written.path().join(name)).unwrap();
            let actual = fs::read(patched.path().join(name)).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&actual),
                String::from_utf8_lossy(&expected),
                "{tool}: {name}"
            );
        }
    }
}

#[test]
fn write_fixes_in_place_and_keeps_permissions() {
    let dir = project(&[("a.py", BUGGY), ("clean.py", "x = 1\n")]);
    let clean = dir.path().join("clean.py");
    let target = dir.path().join("a.py");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&target, fs::Permissions::from_mode(0o750)).unwrap();
    }
    let clean_mtime = fs::metadata(&clean).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&target).unwrap(), FIXED);
    assert!(stdout(&out).contains("Fixed 1 finding in 1 file (PF001: 1)."), "{}", stdout(&out));
    assert!(stdout(&out).contains("No findings remain."));
    assert_eq!(
        fs::metadata(&clean).unwrap().modified().unwrap(),
        clean_mtime,
        "an unchanged file was touched"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o750);
    }
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| name.contains(".pyfix-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");

    // Idempotent: a second run finds nothing.
    let again = pyfix(dir.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!(code(&again), 0);
    assert_eq!(stdout(&again), "");
}

#[test]
fn write_without_unsafe_fixes_leaves_unsafe_findings() {
    let dir = project(&[("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--write"]);
    assert_eq!(code(&out), 1);
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), BUGGY);
    let text = stdout(&out);
    assert!(text.contains("a.py:1:21: PF001"), "{text}");
    assert!(
        text.contains(
            "Found 1 finding that remains. (1 more fix available with `--unsafe-fixes`.)"
        ),
        "{text}"
    );
}

#[test]
fn write_through_a_symlink_keeps_the_link() {
    let dir = project(&[("real/a.py", BUGGY)]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("real/a.py", dir.path().join("link.py")).unwrap();
        let out = pyfix(dir.path(), &["--write", "--unsafe-fixes", "link.py"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(fs::symlink_metadata(dir.path().join("link.py")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(dir.path().join("real/a.py")).unwrap(), FIXED);
    }
}

#[test]
fn select_and_ignore_take_codes_prefixes_and_names() {
    let dir = project(&[("a.py", BUGGY)]);
    for selection in [
        vec!["--select", "PF001"],
        vec!["--select", "mutable-default"],
        vec!["--select", "PF"],
        vec!["--select", "ALL"],
    ] {
        let out = pyfix(dir.path(), &selection);
        assert_eq!(code(&out), 1, "{selection:?}");
    }
    for ignoring in [
        vec!["--ignore", "PF001"],
        vec!["--ignore", "mutable-default"],
        vec!["--select", "PF0", "--ignore", "PF001"],
    ] {
        let out = pyfix(dir.path(), &ignoring);
        assert_eq!(code(&out), 0, "{ignoring:?}: {}", stdout(&out));
    }
    let out = pyfix(dir.path(), &["--select", "PF001,nonsense"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown rule selector `nonsense`"), "{}", stderr(&out));
}

#[test]
fn stdin_diff_and_write() {
    let dir = project(&[]);
    let out = pyfix_stdin(dir.path(), &["-", "--stdin-filename", "src/mod.py"], BUGGY);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with("src/mod.py:1:21: PF001"), "{}", stdout(&out));

    let out = pyfix_stdin(
        dir.path(),
        &["--diff", "--unsafe-fixes", "-", "--stdin-filename", "src/mod.py"],
        BUGGY,
    );
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with("--- a/src/mod.py\n+++ b/src/mod.py\n"), "{}", stdout(&out));

    let out = pyfix_stdin(dir.path(), &["--write", "--unsafe-fixes", "-"], BUGGY);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), FIXED);

    // Nothing to fix: the source comes back unchanged.
    let out = pyfix_stdin(dir.path(), &["--write", "-"], "x = 1\r\n");
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "x = 1\r\n");

    let out = pyfix_stdin(dir.path(), &["--write", "-", "--stdin-filename", "bad.py"], "def f(:\n");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("bad.py: error: syntax error at line 1"), "{}", stderr(&out));
    // An editor piping through `pyfix --write -` must not lose its buffer.
    assert_eq!(stdout(&out), "def f(:\n");
}

#[test]
fn walks_python_files_honouring_gitignore_and_default_excludes() {
    let dir = project(&[
        ("src/a.py", BUGGY),
        ("src/stub.pyi", BUGGY),
        ("src/notes.txt", BUGGY),
        ("ignored/b.py", BUGGY),
        (".gitignore", "ignored/\n"),
        (".venv/lib/c.py", BUGGY),
        ("dist/d.py", BUGGY),
        ("build/h.py", BUGGY),
        ("node_modules/e.py", BUGGY),
        ("__pycache__/f.py", BUGGY),
        (".github/scripts/g.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &[]);
    let text = stdout(&out);
    let mut paths: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split(':').next())
        .filter(|p| p.ends_with(".py") || p.ends_with(".pyi"))
        .collect();
    paths.dedup();
    // `build` holds sources often enough that ruff checks it: so does pyfix.
    let expected = vec![".github/scripts/g.py", "build/h.py", "src/a.py", "src/stub.pyi"];
    assert_eq!(paths, expected, "{text}");

    // Named explicitly, an excluded or ignored file is processed.
    let out = pyfix(dir.path(), &["dist/d.py", "ignored/b.py"]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("dist/d.py:1:21") && stdout(&out).contains("ignored/b.py:1:21"));
}

#[test]
fn list_rules_and_explain() {
    let dir = project(&[]);
    let out = pyfix(dir.path(), &["--list-rules"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("PF001  mutable-default"), "{}", stdout(&out));
    assert!(stdout(&out).contains("unsafe fix"));

    for selector in ["PF001", "mutable-default", "pf001"] {
        let out = pyfix(dir.path(), &["--explain", selector]);
        assert_eq!(code(&out), 0);
        assert!(stdout(&out).starts_with("# mutable-default (PF001)\n"), "{}", stdout(&out));
        assert!(stdout(&out).contains("## Fix safety"));
    }
    let out = pyfix(dir.path(), &["--explain", "PF999"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown rule `PF999`"));
}

#[test]
fn bad_usage_is_exit_2() {
    let dir = project(&[]);
    for args in [vec!["--diff", "--write"], vec!["--no-such-flag"], vec!["--list-rules", "--diff"]]
    {
        let out = pyfix(dir.path(), &args);
        assert_eq!(code(&out), 2, "{args:?}");
    }
    let out = pyfix(dir.path(), &["--version"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("pyfix "));
}

/// Each bad file gets one line naming it and the reason; the other files
/// are still processed; the exit status is 2; nothing bad is written.
#[test]
fn bad_files_are_reported_and_left_alone() {
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("good.py", BUGGY.as_bytes().to_vec()),
        ("syntax.py", b"def f(x=[]):\n    return (\n".to_vec()),
        ("latin1.py", b"s = '\xe9'\ndef f(x=[]): pass\n".to_vec()),
        ("binary.py", b"\x00\x01\x02def f(x=[]): pass\n".to_vec()),
        ("py2.py", b"print 'hello'\ndef f(x=[]): pass\n".to_vec()),
        ("mixed_cr.py", b"x = 1\rdef f(x=[]):\n    pass\n".to_vec()),
    ];
    let dir = common::temp_dir("bad");
    for (name, bytes) in &files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes", ".", "missing.py"]);
    assert_eq!(code(&out), 2);
    let errors = stderr(&out);
    let expected = [
        "missing.py: error: no such file or directory",
        "syntax.py: error: syntax error at line 2, column",
        "latin1.py: error: not valid UTF-8 (first bad byte at offset 5)",
        "binary.py: error: contains a NUL byte at offset 0",
        "py2.py: error: Python 2 syntax (print statement) at line 1; skipped",
        "mixed_cr.py: error: mixes bare CR line endings with LF",
    ];
    for line in expected {
        assert!(errors.lines().any(|l| l.starts_with(line)), "missing `{line}` in:\n{errors}");
    }
    assert_eq!(errors.lines().count(), expected.len(), "one line per bad file:\n{errors}");
    assert_eq!(fs::read_to_string(dir.path().join("good.py")).unwrap(), FIXED);
    for (name, bytes) in files.iter().skip(1) {
        assert_eq!(&fs::read(dir.path().join(name)).unwrap(), bytes, "{name} was modified");
    }
}

#[test]
fn a_bom_is_kept_and_cr_only_files_are_fixed_in_their_own_line_endings() {
    let bom = format!("\u{feff}{BUGGY}");
    let cr_only = BUGGY.replace('\n', "\r");
    let dir = project(&[("bom.py", &bom), ("cr.py", &cr_only)]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("bom.py")).unwrap(), format!("\u{feff}{FIXED}"));
    assert_eq!(fs::read_to_string(dir.path().join("cr.py")).unwrap(), FIXED.replace('\n', "\r"));
}

/// tree-sitter builds a wrong tree for `[*a.f()]` without an ERROR node: the
/// finding is reported, but no fix touches that statement.
#[test]
fn misparsed_statements_are_never_fixed() {
    let source = "def f(x=[]): return [*x.copy()]; f.last = x; x.append(1)\n\ndef g(y=[]):\n    y.append(1)\n    return y\n";
    let dir = project(&[("a.py", source)]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let fixed = fs::read_to_string(dir.path().join("a.py")).unwrap();
    assert!(
        fixed.starts_with("def f(x=[]): return [*x.copy()]; f.last = x; x.append(1)\n"),
        "{fixed}"
    );
    assert!(fixed.contains("def g(y=None):\n    if y is None:\n        y = []\n"), "{fixed}");
    assert!(stdout(&out).contains("a.py:1:9: PF001 `x`"), "{}", stdout(&out));
}

#[test]
fn a_type_alias_misread_is_detected() {
    // `type(x).attr = v` is an attribute assignment, which tree-sitter reads as a type alias.
    let source = "class C: pass\nx = C()\ntype(x).attr = []\n\ndef f(a=[]):\n    return a\n";
    let dir = project(&[("a.py", source)]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let fixed = fs::read_to_string(dir.path().join("a.py")).unwrap();
    assert!(fixed.starts_with("class C: pass\nx = C()\ntype(x).attr = []\n"), "{fixed}");
    let compiled = common::python_compile_errors(&[dir.path().join("a.py")]);
    assert!(compiled.is_empty(), "{compiled:?}");
}

#[test]
fn the_cache_never_hides_a_change() {
    let dir = project(&[("a.py", "def f(x=None):\n    return x\n"), ("b.py", BUGGY)]);
    let first = pyfix(dir.path(), &[]);
    assert_eq!(code(&first), 1);
    assert!(dir.path().join(".pyfix_cache/clean-v1.bin").is_file());
    // Unchanged: the same answer from the cache.
    let second = pyfix(dir.path(), &[]);
    assert_eq!(stdout(&second), stdout(&first));
    // A clean file that gains a finding is checked again.
    fs::write(dir.path().join("a.py"), "def f(x={}):\n    x[1] = 2\n    return x\n").unwrap();
    let third = pyfix(dir.path(), &[]);
    assert!(stdout(&third).contains("a.py:1:9: PF001"), "{}", stdout(&third));
    // Other rule selections and settings are other keys.
    fs::write(dir.path().join("a.py"), "def f(x=None):\n    return x\n").unwrap();
    assert_eq!(code(&pyfix(dir.path(), &["--select", "PF001", "a.py"])), 0);
    fs::write(dir.path().join("pyproject.toml"), "[project]\nrequires-python = \">=3.8\"\n")
        .unwrap();
    assert_eq!(code(&pyfix(dir.path(), &["a.py"])), 0);

    let fresh = project(&[("a.py", BUGGY)]);
    pyfix(fresh.path(), &["--no-cache"]);
    assert!(!fresh.path().join(".pyfix_cache").exists());
    let elsewhere = common::temp_dir("cache-dir");
    pyfix(fresh.path(), &["--cache-dir", elsewhere.path().to_str().unwrap()]);
    assert!(elsewhere.path().join("clean-v1.bin").is_file());
}

#[test]
fn summaries_never_contradict_the_errors_above_them() {
    // A file that cannot be processed: the count says what it covers.
    let dir = project(&[("a.py", "def f(:\n"), ("b.py", "x = 1\n")]);
    let out = pyfix(dir.path(), &["--no-prefilter"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("a.py: error: syntax error"), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "No findings in the files pyfix could process; 1 file could not be (see the errors above).\n"
    );

    // A write that fails leaves its findings: "No findings remain" would be false.
    let dir = project(&[("a.py", BUGGY)]);
    let path = dir.path().join("a.py");
    let mut permissions = fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(&path, permissions).unwrap();
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(!stdout(&out).contains("No findings remain."), "{}", stdout(&out));

    // No Python file at all: a warning, as ruff gives.
    let dir = project(&[("notes.txt", "x\n")]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("warning: no Python files found"), "{}", stderr(&out));
}

#[test]
fn the_cache_lives_at_the_project_root_and_is_tagged() {
    let dir = project(&[("pyproject.toml", "[tool.pyfix]\n"), ("pkg/a.py", BUGGY)]);
    let out = pyfix(&dir.path().join("pkg"), &["."]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        dir.path().join(".pyfix_cache/clean-v1.bin").is_file(),
        "the cache is at the project root"
    );
    assert!(!dir.path().join("pkg/.pyfix_cache").exists(), "not where pyfix was run");
    let tag = fs::read_to_string(dir.path().join(".pyfix_cache/CACHEDIR.TAG")).unwrap();
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"), "{tag}");
}

#[test]
fn fix_is_an_alias_of_write() {
    let dir = project(&[("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--fix", "--unsafe-fixes", "a.py"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), FIXED);
    assert!(stdout(&out).contains("Fixed 1 finding in 1 file (PF001: 1)."), "{}", stdout(&out));

    // Like `--write`, it cannot be combined with `--diff`.
    let out = pyfix(dir.path(), &["--fix", "--diff", "a.py"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot be used with"), "{}", stderr(&out));
}

#[test]
fn fix_only_reports_what_was_fixed_and_not_what_remains() {
    // PF001's fix is unsafe: without `--unsafe-fixes` nothing is fixed and
    // the finding that remains is neither listed nor a failure.
    let dir = project(&[("a.py", BUGGY), ("b.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--fix-only", "a.py"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "No fixes applied.\n");
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), BUGGY);

    let out = pyfix(dir.path(), &["--fix-only", "--unsafe-fixes", "a.py"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "Fixed 1 finding in 1 file (PF001: 1).\n");
    assert_eq!(fs::read_to_string(dir.path().join("a.py")).unwrap(), FIXED);

    // `--exit-non-zero-on-fix` still fails a run that fixed something.
    let out =
        pyfix(dir.path(), &["--fix-only", "--unsafe-fixes", "--exit-non-zero-on-fix", "b.py"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.path().join("b.py")).unwrap(), FIXED);
    let out =
        pyfix(dir.path(), &["--fix-only", "--unsafe-fixes", "--exit-non-zero-on-fix", "b.py"]);
    assert_eq!(code(&out), 0, "nothing left to fix: {}", stdout(&out));
}

#[test]
fn show_files_lists_the_files_a_run_would_check_without_checking_them() {
    let dir = project(&[
        (".gitignore", "ignored/\n"),
        ("pkg/b.py", "def broken(:\n"),
        ("pkg/a.py", BUGGY),
        ("pkg/stub.pyi", "x: int\n"),
        ("pkg/notes.txt", "x\n"),
        ("ignored/c.py", BUGGY),
        (".venv/lib.py", BUGGY),
        ("vendor/d.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &["--show-files", "--extend-exclude", "vendor"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "pkg/a.py\npkg/b.py\npkg/stub.pyi\n");
    assert_eq!(stderr(&out), "");
    assert!(!dir.path().join(".pyfix_cache").exists(), "nothing was checked");

    let out = pyfix(dir.path(), &["--show-files", "--write"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}

#[test]
fn show_files_names_standard_input_by_the_name_it_stands_for() {
    let dir = project(&[]);
    let out = pyfix_stdin(dir.path(), &["--show-files", "-"], BUGGY);
    assert_eq!((code(&out), stdout(&out).as_str(), stderr(&out).as_str()), (0, "-\n", ""));
    let args = ["--show-files", "--stdin-filename", "pkg/app.py", "-"];
    let out = pyfix_stdin(dir.path(), &args, BUGGY);
    assert_eq!((code(&out), stdout(&out).as_str()), (0, "pkg/app.py\n"));
    let out = pyfix_stdin(dir.path(), &["--show-files", "-", "pkg"], BUGGY);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("cannot be combined with other paths"), "{}", stderr(&out));
}

/// `PYFIX_PROFILE=1`: the totals the benchmark's budget table reads.
#[test]
fn profile_totals_count_what_was_parsed_and_checked() {
    let dir = project(&[("a.py", BUGGY), ("clean.py", "x = 1\n")]);
    let args = ["--no-cache", "--select", "PF001", "."];
    let out = Command::new(env!("CARGO_BIN_EXE_pyfix"))
        .args(args)
        .current_dir(dir.path())
        .env("PYFIX_PROFILE", "1")
        .output()
        .expect("pyfix runs");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    let scanned = BUGGY.len() + "x = 1\n".len();
    assert!(err.contains(&format!("profile: scanned_bytes {scanned}\n")), "{err}");
    // clean.py is ruled out by its tokens: only a.py is parsed.
    assert!(err.contains(&format!("profile: parsed_bytes_whole {}\n", BUGGY.len())), "{err}");
    assert!(err.contains("profile: check PF001 ") && err.contains(" over 1 parses\n"), "{err}");
    assert!(!err.contains("check PF002"), "only the selected rule runs: {err}");

    let out = pyfix(dir.path(), &args);
    assert!(!stderr(&out).contains("profile:"), "off by default");
}

/// When the project index is built, it scans every file anyway: a file
/// whose tokens rule out every rule is settled there and not read or
/// scanned again by the check, unless the project says something of it.
#[test]
fn the_index_settles_files_with_nothing_to_find() {
    let dir = project(&[
        ("pyproject.toml", ""),
        ("app/__init__.py", ""),
        ("app/a.py", BUGGY),
        ("app/clean.py", "x = 1\n"),
        ("app/cycle_one.py", "import app.cycle_two\n"),
        ("app/cycle_two.py", "import app.cycle_one\n"),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_pyfix"))
        .args(["--no-cache", "--output-format", "concise", "."])
        .current_dir(dir.path())
        .env("PYFIX_PROFILE", "1")
        .output()
        .expect("pyfix runs");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // Only a.py, and the two modules of the cycle (whose facts the
    // verdict did not know), are scanned by the check.
    let scanned = BUGGY.len() + "import app.cycle_two\n".len() + "import app.cycle_one\n".len();
    let err = stderr(&out);
    assert!(err.contains(&format!("profile: scanned_bytes {scanned}\n")), "{err}");
    let shown = stdout(&out);
    assert!(shown.contains("app/cycle_one.py:1:8: PF016"), "{shown}");
    assert!(shown.contains("app/cycle_two.py:1:8: PF016"), "{shown}");
    assert!(shown.contains("app/a.py:"), "{shown}");
}

/// PF016 reads the whole project: a file's cached report must not outlive
/// a change in another file that breaks or makes a cycle through it.
#[test]
fn a_cycle_follows_changes_in_other_files_through_the_cache() {
    let dir = project(&[
        ("pyproject.toml", ""),
        ("app/__init__.py", ""),
        ("app/a.py", "import app.b\n"),
        ("app/b.py", "import app.a\n"),
    ]);
    let first = pyfix(dir.path(), &["--select", "PF016", "--output-format", "concise"]);
    assert_eq!(code(&first), 1, "{}", stderr(&first));
    assert!(stdout(&first).contains("app/a.py:1:8: PF016 Import cycle `app.a -> app.b -> app.a`"));
    // b no longer imports a: a's text is unchanged, its cycle is gone.
    fs::write(dir.path().join("app/b.py"), "import json\n").unwrap();
    let broken = pyfix(dir.path(), &["--select", "PF016", "--output-format", "concise"]);
    assert_eq!(code(&broken), 0, "{}", stdout(&broken));
    fs::write(dir.path().join("app/b.py"), "from app.a import X\n").unwrap();
    fs::write(dir.path().join("app/a.py"), "import app.b\nX = 1\n").unwrap();
    let failing = pyfix(dir.path(), &["--select", "PF016", "--output-format", "concise"]);
    assert!(
        stdout(&failing).contains("fails at import: when `app.a` is imported first"),
        "{}",
        stdout(&failing)
    );
}

/// `src` names modules through namespace packages (folders without an
/// `__init__.py`), so the index follows imports written with those names.
#[test]
fn the_src_setting_names_modules_of_namespace_packages() {
    let files = [
        ("src/company/billing/invoice.py", "from company.billing.tax import rate\n"),
        ("src/company/billing/tax.py", "from company.billing import invoice\nrate = 1\n"),
    ];
    let args = ["--select", "PF016", "--no-cache", "--output-format", "concise"];
    let without = project(&[&[("pyproject.toml", "[tool.pyfix]\n")][..], &files[..]].concat());
    let out = pyfix(without.path(), &args);
    assert_eq!(code(&out), 0, "no module is named `company...`: {}", stdout(&out));

    let with = project(
        &[&[("pyproject.toml", "[tool.pyfix]\nsrc = [\"src\"]\n")][..], &files[..]].concat(),
    );
    let out = pyfix(with.path(), &args);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains(
            "invoice.py:1:6: PF016 Import cycle `company.billing.invoice -> company.billing.tax -> company.billing.invoice`"
        ),
        "{}",
        stdout(&out)
    );
    let settings = pyfix(with.path(), &["--show-settings", "src/company/billing/tax.py"]);
    let shown = stdout(&settings);
    assert!(shown.contains("# Module: company.billing.tax"), "{shown}");
    assert!(shown.contains("src = [\""), "{shown}");
}

/// Two files that claim one module name are one warning, and the run goes on.
#[test]
fn two_files_claiming_one_module_are_a_warning() {
    let dir = project(&[
        ("pyproject.toml", ""),
        ("util.py", "import main\n"),
        ("util/__init__.py", "import main\n"),
        ("main.py", "import util\n"),
    ]);
    let out = pyfix(dir.path(), &["--select", "PF016", "--no-cache"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|line| line.contains("are both module `util`"))
        .map(str::to_string)
        .collect();
    assert_eq!(warnings.len(), 1, "{}", stderr(&out));
    assert!(warnings[0].starts_with("pyfix: warning: "), "{}", warnings[0]);
}

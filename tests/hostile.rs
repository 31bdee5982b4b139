//! Hostile input: every file here is either processed correctly or skipped
//! with one line naming it and the reason (exit status 2), untouched, while
//! the rest of the run goes on. The race "changed or deleted between read
//! and write" is tested where it can be made deterministic: in
//! `src/files.rs` (`write_atomic` is given the bytes it read).

mod support;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::time::SystemTime;

use support::{BUGGY, FIXED, code, project, pyfix, read, stderr};

fn mtime(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

/// Runs `--write --unsafe-fixes` on a project holding `bad.py` (raw bytes)
/// and a fixable `good.py`; checks that `bad.py` is reported with exactly
/// `reason`, untouched, that `good.py` was fixed anyway, and exit status 2.
fn assert_skipped(bytes: &[u8], reason: &str) {
    let dir = project(&[("good.py", BUGGY)]);
    let bad = dir.path().join("bad.py");
    fs::write(&bad, bytes).unwrap();
    let before = mtime(&bad);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "."]);
    let errors: Vec<String> =
        stderr(&output).lines().filter(|l| l.contains(": error: ")).map(String::from).collect();
    assert_eq!(errors, vec![format!("bad.py: error: {reason}")]);
    assert_eq!(code(&output), 2);
    assert_eq!(fs::read(&bad).unwrap(), bytes, "a skipped file was modified");
    assert_eq!(mtime(&bad), before);
    assert_eq!(read(dir.path(), "good.py"), FIXED, "the run did not go on");
}

/// Runs `--write --unsafe-fixes` on `bytes` and returns the file's bytes after.
fn fixed_bytes(bytes: &[u8]) -> Vec<u8> {
    let dir = project(&[]);
    let path = dir.path().join("a.py");
    fs::write(&path, bytes).unwrap();
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "a.py"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    fs::read(path).unwrap()
}

/// Runs pyfix on `source`; it must neither crash nor overflow its stack.
fn assert_survives(source: &str) -> i32 {
    let dir = project(&[("deep.py", source)]);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "deep.py"]);
    let status =
        output.status.code().unwrap_or_else(|| panic!("killed by a signal: {}", stderr(&output)));
    assert!(status <= 2, "{status}: {}", stderr(&output));
    assert!(
        !stderr(&output).contains("panicked") && !stderr(&output).contains("internal error"),
        "{}",
        stderr(&output)
    );
    status
}

#[test]
fn syntax_errors_are_skipped() {
    assert_skipped(b"def f(:\n    pass\n", "syntax error at line 1, column 7; skipped");
    // tree-sitter reads `builtins.` + newline + `other` as one attribute;
    // CPython rejects the dangling dot (found by the fuzzer: PF001 split
    // the one-line body and the file no longer parsed).
    assert_skipped(
        b"def typo(x=[]):builtins.\nother = 2\n",
        "syntax error at line 1, column 24; skipped",
    );
}

#[test]
fn indentation_cpython_rejects_is_a_syntax_error() {
    // tree-sitter parses all of these; CPython raises IndentationError, and
    // the fuzzer found a fix that turned one into a file tree-sitter rejects.
    assert_skipped(
        b"def f(x=[]):\n   a = 1\n    return x\n",
        "syntax error at line 3, column 5; skipped",
    );
    assert_skipped(
        b"x = 1\n    y = 2\ndef f(x=[]):\n    return x\n",
        "syntax error at line 2, column 5; skipped",
    );
    assert_skipped(
        b"def f(x=[]):\n        a = 1\n    return x\n",
        "syntax error at line 3, column 5; skipped",
    );
    assert_skipped(
        b"  x = 1\ndef f(x=[]):\n    return x\n",
        "syntax error at line 1, column 3; skipped",
    );
    assert_skipped(
        b"if x: pass\n    y = 1\ndef f(x=[]):\n    return x\n",
        "syntax error at line 2, column 5; skipped",
    );
}

#[test]
fn invisible_characters_cpython_rejects_are_a_syntax_error() {
    // tree-sitter's grammar takes these for spaces; CPython raises "invalid
    // non-printable character". A BOM at the start and any of them inside
    // a string or a comment are fine.
    assert_skipped(
        "def f(x=[]):\n    return x\n\u{feff}y = 1\n".as_bytes(),
        "syntax error at line 3, column 1; skipped",
    );
    assert_skipped(
        "def f(x=[]):\n    return x\ny = 1 \u{feff}+ 2\n".as_bytes(),
        "syntax error at line 3, column 7; skipped",
    );
    assert_skipped(
        "def f(x=[]):\n    return x\ny = 1\u{a0}+ 2\n".as_bytes(),
        "syntax error at line 3, column 6; skipped",
    );
    assert_skipped(
        "def f(x=[]):\n    return x\ny\u{200b}z = 1\n".as_bytes(),
        "syntax error at line 3, column 2; skipped",
    );
    let dir = project(&[(
        "fine.py",
        "\u{feff}def f(x=[]):\n    x.append(1)\n    return x\ny = '\u{feff}\u{a0}'  # \u{200b}\n",
    )]);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(read(dir.path(), "fine.py").contains("if x is None:"));
}

#[test]
fn python_2_files_are_skipped() {
    assert_skipped(
        b"def f(a=[]):\n    print \"x\", a\n",
        "Python 2 syntax (print statement) at line 2; skipped",
    );
    assert_skipped(b"x = `1`\n", "Python 2 syntax (backquotes) at line 1; skipped");
    for source in [
        &b"try:\n    pass\nexcept E, e:\n    pass\n"[..],
        b"if 1 <> 2:\n    pass\n",
        b"x = 0777\n",
        b"exec \"x = 1\"\n",
    ] {
        let dir = project(&[("py2.py", std::str::from_utf8(source).unwrap())]);
        let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "py2.py"]);
        assert_eq!(code(&output), 2, "{}", String::from_utf8_lossy(source));
        assert!(
            stderr(&output).starts_with("py2.py: error: ")
                && stderr(&output).trim_end().ends_with("skipped")
        );
        assert_eq!(read(dir.path(), "py2.py").as_bytes(), source);
    }
}

#[test]
fn a_declared_encoding_is_kept_when_fixing() {
    // `é` in Latin-1 is the single byte 0xE9; it must stay that byte.
    let original =
        b"# -*- coding: latin-1 -*-\ndef f(a=[]):\n    a.append(1)\n    return '\xe9', a\n";
    let expected =
        b"# -*- coding: latin-1 -*-\ndef f(a=None):\n    if a is None:\n        a = []\n    a.append(1)\n    return '\xe9', a\n";
    assert_eq!(fixed_bytes(original), expected);
    let koi8 = b"# coding: koi8_r\n\xf0\xf2\xe9 = 1\ndef f(a={}):\n    a[1] = 2\n    return a\n";
    assert!(fixed_bytes(koi8).starts_with(b"# coding: koi8_r\n\xf0\xf2\xe9 = 1\ndef f(a=None):"));
}

#[test]
fn undecodable_files_are_skipped() {
    assert_skipped(b"x = '\xe9'\n", "not valid UTF-8 (first bad byte at offset 5); skipped");
    assert_skipped(
        b"# coding: klingon\nx = '\xe9'\n",
        "declares the encoding `klingon`, which pyfix cannot read and write back; skipped",
    );
    assert_skipped(
        b"# coding: utf-16\nx = '\xe9'\n",
        "declares the encoding `utf-16`, which pyfix cannot read and write back; skipped",
    );
}

#[test]
fn a_utf8_bom_is_kept() {
    let mut original = b"\xef\xbb\xbf".to_vec();
    original.extend_from_slice(BUGGY.as_bytes());
    let mut expected = b"\xef\xbb\xbf".to_vec();
    expected.extend_from_slice(FIXED.as_bytes());
    assert_eq!(fixed_bytes(&original), expected);
}

#[test]
fn nul_bytes_and_binary_files_are_skipped() {
    assert_skipped(b"x = 1\0\n", "contains a NUL byte at offset 5 (binary file?); skipped");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let offset = binary.iter().position(|&b| b == 0).unwrap();
    assert_skipped(
        &binary,
        &format!("contains a NUL byte at offset {offset} (binary file?); skipped"),
    );
}

#[test]
fn an_empty_file_is_fine() {
    let dir = project(&[("empty.py", "")]);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "empty.py"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(read(dir.path(), "empty.py"), "");
}

#[test]
fn a_20_mb_file_is_fixed() {
    // 20 MB of ordinary functions, one in a hundred with a mutable default.
    let mut source = String::with_capacity(21 << 20);
    let mut index: usize = 0;
    while source.len() < 20 << 20 {
        let default = if index.is_multiple_of(100) { "[]" } else { "None" };
        source.push_str(&format!(
            "def function_{index}(first, second={default}):\n    total = first * 2 + len(str(second))\n    second.append(total)\n    return second\n\n"
        ));
        index += 1;
    }
    let fixed = String::from_utf8(fixed_bytes(source.as_bytes())).unwrap();
    assert_eq!(fixed.matches("if second is None:").count(), index.div_ceil(100));
    assert!(!fixed.contains("second=[]"));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let brackets = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    assert_survives(&brackets);
    let lists = format!("def f(a={}{}):\n    return a\n", "[".repeat(5000), "]".repeat(5000));
    assert_survives(&lists);
    let mut blocks = String::new();
    for depth in 0..1000 {
        blocks.push_str(&format!("{}if x{depth}:\n", " ".repeat(depth)));
    }
    blocks.push_str(&format!(
        "{}def g(a=[]):\n{}    return lambda: a\n",
        " ".repeat(1000),
        " ".repeat(1000)
    ));
    assert_survives(&blocks);
    let mut defs = String::new();
    for depth in 0..1000 {
        defs.push_str(&format!("{}def f{depth}(a=[]):\n", "\t".repeat(depth)));
    }
    defs.push_str(&format!(
        "{}for i in a:\n{}\tyield lambda: i\n",
        "\t".repeat(1000),
        "\t".repeat(1000)
    ));
    assert_survives(&defs);
    assert_survives(&format!("x = 1{}\n", " + 1".repeat(100_000)));
    assert_survives(&format!("x = a{}\n", ".b".repeat(50_000)));
    assert_survives(&format!("f = {}0\n", "lambda: ".repeat(5000)));
}

#[test]
fn line_endings_are_kept() {
    let crlf = BUGGY.replace('\n', "\r\n");
    assert_eq!(fixed_bytes(crlf.as_bytes()), FIXED.replace('\n', "\r\n").into_bytes());
    let cr = BUGGY.replace('\n', "\r");
    assert_eq!(fixed_bytes(cr.as_bytes()), FIXED.replace('\n', "\r").into_bytes());
    assert_skipped(
        b"x = 1\ry = 2\n",
        "mixes bare CR line endings with LF; normalise the line endings first; skipped",
    );
}

#[test]
fn tabs_and_form_feeds_are_kept() {
    let original = "\x0cclass C:\n\tdef add(self, item, items=[]):\n\t\titems.append(item)\n\x0c\n\t\treturn items\n";
    let expected = "\x0cclass C:\n\tdef add(self, item, items=None):\n\t\tif items is None:\n\t\t\titems = []\n\t\titems.append(item)\n\x0c\n\t\treturn items\n";
    assert_eq!(String::from_utf8(fixed_bytes(original.as_bytes())).unwrap(), expected);
}

#[test]
fn very_long_lines_are_fine() {
    let long = format!("TABLE = [{}]\n", "12345, ".repeat(200_000));
    let source = format!("{long}{BUGGY}{long}");
    let expected = format!("{long}{FIXED}{long}");
    assert_eq!(String::from_utf8(fixed_bytes(source.as_bytes())).unwrap(), expected);
}

#[test]
fn symbolic_link_loops_are_reported_or_not_followed() {
    let dir = project(&[("good.py", BUGGY)]);
    symlink("b.py", dir.path().join("a.py")).unwrap();
    symlink("a.py", dir.path().join("b.py")).unwrap();
    symlink(".", dir.path().join("again")).unwrap();
    // Walking: links are not followed, so a loop cannot trap the walk.
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(read(dir.path(), "good.py"), FIXED);
    // Named explicitly: one clear line.
    let output = pyfix(dir.path(), &["a.py", "good.py"]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output).trim_end(),
        "a.py: error: cannot read file: Too many levels of symbolic links"
    );
}

#[test]
fn a_read_only_file_is_not_replaced() {
    let dir = project(&[("good.py", BUGGY), ("locked.py", BUGGY)]);
    let locked = dir.path().join("locked.py");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).unwrap();
    let before = mtime(&locked);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains(
            "locked.py: error: cannot write file: the file is read-only; file left unchanged"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(dir.path(), "locked.py"), BUGGY);
    assert_eq!(mtime(&locked), before);
    assert_eq!(fs::metadata(&locked).unwrap().permissions().mode() & 0o777, 0o444);
    assert_eq!(read(dir.path(), "good.py"), FIXED);
}

#[test]
fn a_fifo_named_py_does_not_hang_the_run() {
    let dir = project(&[("good.py", BUGGY)]);
    let fifo = dir.path().join("pipe.py");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(status.success());
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "pipe.py", "good.py"]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output).trim_end(),
        "pipe.py: error: not a regular file (a FIFO or a device?); skipped"
    );
    assert_eq!(read(dir.path(), "good.py"), FIXED);
}

/// A file of thousands of findings is fixed in time linear in them: each
/// finding of the exception rules once scanned every comment of the module
/// and recomputed where the logger goes, and 8,000 handlers took minutes.
/// At that pace this file would take many minutes even in a release build;
/// no time is asserted, the run simply has to end.
#[test]
fn thousands_of_findings_in_one_file_are_fixed_in_one_run() {
    let handlers = 5_000;
    let source: String = (0..handlers)
        .map(|i| format!("def f{i}():\n    try:\n        g()\n    except:\n        pass\n\n"))
        .collect();
    let dir = project(&[("many.py", source.as_str())]);
    let output = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--statistics", "many.py"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let fixed = read(dir.path(), "many.py");
    assert_eq!(fixed.matches("except Exception:").count(), handlers);
    assert_eq!(fixed.matches("logger.exception(").count(), handlers);
    assert_eq!(fixed.matches("import logging").count(), 1, "one logger for the module");
}

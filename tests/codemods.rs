//! Custom rules end to end: the rule files shipped in `codemods/` pass their
//! own tests, run through the engine like built-in rules (`--diff`,
//! `--write`, `--select`, `# noqa`, the report formats, the cache), compose
//! into named migrations, and a malformed rule stops the run before any
//! file is touched.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn pyfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyfix"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("pyfix runs")
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
    let dir = common::temp_dir("codemods");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    dir
}

fn shipped() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("codemods").to_string_lossy().to_string()
}

const LOGGING_WARN: &str = "\
id = \"logging-warn\"
code = \"ACME1\"
message = \"use logging.warning\"
pattern = \"logging.warn($$$ARGS)\"
fix = \"logging.warning($$$ARGS)\"
add-imports = [\"import logging\"]
";

#[test]
fn the_shipped_codemods_pass_their_tests() {
    let dir = project(&[]);
    let out = pyfix(dir.path(), &["--isolated", "--rules", &shipped(), "--test-rules"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    // Every shipped rule, each with tests that must match and must not.
    assert_eq!(text.matches("ok   ").count(), 5, "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
    let passed: usize = text
        .lines()
        .last()
        .and_then(|line| line.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(passed >= 15, "{text}");
}

#[test]
fn a_failing_rule_test_shows_a_diff_and_exits_1() {
    let rule = format!(
        "{LOGGING_WARN}\n[[test]]\ninput = \"import logging\\nlogging.warn(1)\\n\"\n\
         output = \"import logging\\nlogging.warn(2)\\n\"\n\n[[no-match]]\ninput = \"import logging\\nlogging.warn(3)\\n\"\n"
    );
    let dir = project(&[("rules/warn.toml", &rule)]);
    let out = pyfix(dir.path(), &["--isolated", "--rules", "rules", "--test-rules"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("FAIL rules/warn.toml:8: the fix differs"), "{text}");
    assert!(text.contains("-logging.warn(2)\n+logging.warning(1)"), "{text}");
    assert!(text.contains("FAIL rules/warn.toml:12: a no-match input was reported"), "{text}");
    assert!(text.ends_with("0 passed, 2 failed\n"), "{text}");
}

#[test]
fn malformed_rules_are_one_line_errors_before_any_file_is_touched() {
    let cases = [
        (
            format!("{LOGGING_WARN}pattern2 = 1\n"),
            "rules/bad.toml: error: line 7: unknown key `pattern2`",
        ),
        (
            LOGGING_WARN.replace("logging.warn($$$ARGS)\"", "logging.warn($$$ARGS\""),
            "rules/bad.toml: error: line 4: `pattern`: the pattern is not valid Python",
        ),
        (
            LOGGING_WARN.replace("logging.warning($$$ARGS)", "logging.warning($$$ARG)"),
            "rules/bad.toml: error: line 5: `fix`: `$$$ARG` is not a metavariable of the pattern",
        ),
        (
            LOGGING_WARN.replace("logging.warning($$$ARGS)", "logging.warning($$$ARGS"),
            "rules/bad.toml: error: line 5: `fix`: the rewrite is not valid Python",
        ),
        (
            LOGGING_WARN.replace("logging.warning($$$ARGS)", "logging.warn($$$ARGS, 1)"),
            "rules/bad.toml: error: line 5: `fix`: the rewrite matches the pattern again",
        ),
        (
            LOGGING_WARN.replace("ACME1", "PF001"),
            "rules/bad.toml: error: line 2: `code`: codes starting with PF",
        ),
        (
            format!("{LOGGING_WARN}remove-imports = [\"logging\"]\n"),
            "rules/bad.toml: error: line 7: `remove-imports`: `logging` is not `import MODULE`",
        ),
    ];
    for (rule, expected) in cases {
        let source = "import logging\nlogging.warn('x')\n";
        let dir = project(&[("rules/bad.toml", &rule), ("a.py", source)]);
        let out = pyfix(dir.path(), &["--isolated", "--no-cache", "--rules", "rules", "--write"]);
        assert_eq!(code(&out), 2, "{rule}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        // The message fits on one line even for an unknown metavariable.
        assert!(err.starts_with(expected), "{err}\nexpected: {expected}");
        assert_eq!(fs::read_to_string(dir.path().join("a.py")).expect("read"), source);
    }
}

#[test]
fn custom_rules_run_like_built_in_ones() {
    let source = "import logging as log\n\n\
                  log.warn('a')\nlog.warn(  # keep\n    'b',\n)\nlog.warn('c')  # noqa: ACME1\n";
    let dir = project(&[
        ("rules/warn.toml", LOGGING_WARN),
        ("pyproject.toml", "[tool.pyfix]\nrule-dirs = [\"rules\"]\n"),
        ("a.py", source),
    ]);
    // Found, with the rule's code and message; `# noqa: ACME1` silences one.
    let out = pyfix(dir.path(), &["--no-cache", "--select", "ACME1", "--output-format", "concise"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("a.py:3:1: ACME1 [*] use logging.warning"), "{text}");
    assert!(text.contains("a.py:4:1: ACME1"), "{text}");
    assert!(!text.contains("a.py:7:"), "{text}");
    // JSON names the code too.
    let out = pyfix(dir.path(), &["--no-cache", "--output-format", "json"]);
    assert!(stdout(&out).contains("\"code\": \"ACME1\""), "{}", stdout(&out));
    // --diff, then --write: the alias is kept, the comment inside the capture too.
    let out = pyfix(dir.path(), &["--no-cache", "--diff"]);
    assert!(stdout(&out).contains("+log.warning('a')"), "{}", stdout(&out));
    let out = pyfix(dir.path(), &["--no-cache", "--write"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let fixed = fs::read_to_string(dir.path().join("a.py")).expect("read");
    assert_eq!(
        fixed,
        "import logging as log\n\n\
         log.warning('a')\nlog.warning(  # keep\n    'b',\n)\nlog.warn('c')  # noqa: ACME1\n"
    );
    // A second run finds nothing more to fix; --explain and --list-rules know the rule.
    let out = pyfix(dir.path(), &["--no-cache", "--write"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = pyfix(dir.path(), &["--explain", "ACME1"]);
    assert!(stdout(&out).contains("# logging-warn (ACME1)"), "{}", stdout(&out));
    let out = pyfix(dir.path(), &["--list-rules"]);
    assert!(stdout(&out).contains("ACME1"), "{}", stdout(&out));
    // A selector that names a custom rule is accepted in the configuration too.
    fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.pyfix]\nrule-dirs = [\"rules\"]\nignore = [\"logging-warn\"]\n",
    )
    .expect("write");
    let out = pyfix(dir.path(), &["--no-cache"]);
    assert!(!stdout(&out).contains("ACME1"), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn a_code_taken_by_another_rule_is_an_error() {
    let dir = project(&[
        ("rules/a.toml", LOGGING_WARN),
        ("rules/b.toml", LOGGING_WARN),
        ("a.py", "x = 1\n"),
    ]);
    let out = pyfix(dir.path(), &["--isolated", "--rules", "rules"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out)
            .starts_with("rules/b.toml: error: rule `logging-warn` (ACME1) has the code or id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn files_globs_and_unsafe_fixes() {
    let rule = "id = \"no-popen\"\ncode = \"ACME2\"\nmessage = \"m\"\npattern = \"os.popen($C).read()\"\n\
                fix = \"subprocess.run($C, shell=True, capture_output=True, text=True).stdout\"\n\
                safety = \"unsafe\"\nadd-imports = [\"import subprocess\"]\nfiles = [\"tools/*.py\"]\n";
    let source = "import os\nout = os.popen('ls').read()\n";
    let dir = project(&[("rules/r.toml", rule), ("tools/a.py", source), ("lib/b.py", source)]);
    let out = pyfix(
        dir.path(),
        &["--isolated", "--no-cache", "--rules", "rules", "--output-format", "concise"],
    );
    let text = stdout(&out);
    assert!(text.contains("tools/a.py:2:7: ACME2"), "{text}");
    assert!(!text.contains("lib/b.py"), "{text}");
    // Unsafe: not applied without --unsafe-fixes.
    let out = pyfix(dir.path(), &["--isolated", "--no-cache", "--rules", "rules", "--write"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("tools/a.py")).expect("read"),
        source,
        "{}",
        stdout(&out)
    );
    let out = pyfix(
        dir.path(),
        &["--isolated", "--no-cache", "--rules", "rules", "--write", "--unsafe-fixes", "--verify"],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("tools/a.py")).expect("read"),
        "import os\nimport subprocess\nout = subprocess.run('ls', shell=True, capture_output=True, text=True).stdout\n"
    );
}

#[test]
fn a_codemod_runs_its_rules_in_order() {
    let rename = "id = \"rename-old\"\ncode = \"ACME3\"\nmessage = \"m\"\npattern = \"old_api($$$A)\"\nfix = \"new_api($$$A)\"\n";
    let config = format!(
        "[tool.pyfix]\nrule-dirs = [\"rules\", \"{}/assert-equals.toml\"]\n\n[tool.pyfix.codemods]\nmodernize = [\"logging-warn\", \"ACME3\"]\ntests-only = [\"assert-equals\"]\n",
        shipped().replace('\\', "/")
    );
    let source = "import logging\nfrom api import new_api, old_api\nlogging.warn('x')\nold_api(1)\nclass T:\n    def t(self):\n        self.assertEquals(1, 1)\n";
    let dir = project(&[
        ("rules/warn.toml", LOGGING_WARN),
        ("rules/old.toml", rename),
        ("pyproject.toml", &config),
        ("a.py", source),
    ]);
    let out = pyfix(dir.path(), &["--no-cache", "--codemod", "modernize", "--diff"]);
    let text = stdout(&out);
    assert!(
        text.contains("+logging.warning('x')") && text.contains("+new_api(1)"),
        "{text}{}",
        stderr(&out)
    );
    // Only the codemod's rules: the shipped assertEquals rule did not run.
    assert!(!text.contains("assertEqual("), "{text}");
    let out = pyfix(dir.path(), &["--no-cache", "--codemod", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out)
            .contains("unknown codemod `nope` (pyproject.toml defines: modernize, tests-only)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_summary_counts_custom_fixes() {
    let dir = project(&[
        ("rules/warn.toml", LOGGING_WARN),
        ("a.py", "import logging\nlogging.warn('x')\n"),
    ]);
    let out = pyfix(
        dir.path(),
        &["--isolated", "--no-cache", "--rules", "rules", "--diff", "--summary", "summary.md"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let summary = fs::read_to_string(dir.path().join("summary.md")).expect("summary");
    assert!(summary.contains("ACME1"), "{summary}");
}

//! The workflows around the binary, end to end in temporary git
//! repositories: the pull-request description of `--summary`, and the
//! pre-commit hooks run the way pre-commit runs them.

mod support;

use std::fs;
use std::path::Path;

use support::*;

const TWO: &str = "def add(item, items=[]):\n    items.append(item)\n    return items\n\n\ndef tally(counts={}):  # noqa: PF999\n    counts[item] = 1\n    return counts\n";

fn repository(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = project(files);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "start"]);
    dir
}

fn changed_files(dir: &Path) -> Vec<String> {
    let out = git(dir, &["diff", "--name-only"]);
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn summary_describes_the_fixes_for_a_pull_request() {
    let dir = repository(&[("pkg/a.py", TWO), ("b.py", BUGGY), ("clean.py", "x = 1\n")]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--summary", "pr.md"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let summary = fs::read_to_string(dir.path().join("pr.md")).unwrap();

    assert!(summary.starts_with("## pyfix fixes 4 findings in 2 files\n"), "{summary}");
    assert!(summary.contains("### PF001 `mutable-default`: 3 fixes (unsafe)"), "{summary}");
    assert!(summary.contains("### PF100 `unused-suppression`: 1 fix (safe)"), "{summary}");
    // The why comes from the rule's documentation.
    assert!(
        summary.contains("A default is evaluated once, when the `def` runs, not at each call."),
        "{summary}"
    );
    // Every changed file is listed, and only those.
    let changed = changed_files(dir.path());
    assert_eq!(changed, ["b.py", "pkg/a.py"]);
    for file in &changed {
        assert!(summary.contains(&format!("| `{file}` |")), "{file} missing:\n{summary}");
    }
    assert!(!summary.contains("clean.py"), "{summary}");
    assert!(summary.contains("| `pkg/a.py` | PF001 × 2 (2 unsafe), PF100 × 1 |"), "{summary}");
    // What a reviewer should check: the unsafe fixes, from "Fix safety".
    let check = summary.split("### What to check").nth(1).expect("a checklist");
    assert!(
        check.contains(
            "- [ ] **PF001 `mutable-default`**, 3 unsafe fixes (in `b.py`, `pkg/a.py`): Unsafe."
        ),
        "{check}"
    );
    assert!(
        check.contains("A caller that passes `None` explicitly now gets a fresh default"),
        "{check}"
    );
    assert!(!check.contains("PF100"), "safe fixes need no check: {check}");
}

#[test]
fn summary_after_diff_and_for_one_rule() {
    let dir = repository(&[("a.py", TWO)]);
    let out = pyfix(dir.path(), &["--diff", "--select", "PF100", "--summary", "pr.md"]);
    assert_eq!(code(&out), 1);
    assert!(changed_files(dir.path()).is_empty(), "--diff writes nothing");
    let summary = fs::read_to_string(dir.path().join("pr.md")).unwrap();
    assert!(summary.starts_with("## pyfix would fix 1 finding in 1 file\n"), "{summary}");
    assert!(!summary.contains("PF001"), "{summary}");
    assert!(summary.contains("Every fix here is safe"), "{summary}");

    let out = pyfix(dir.path(), &["--write", "--select", "PF001", "--summary", "none.md"]);
    assert_eq!(code(&out), 1, "the unsafe fix is not enabled: a finding remains");
    let summary = fs::read_to_string(dir.path().join("none.md")).unwrap();
    assert!(summary.starts_with("## pyfix: nothing to fix"), "{summary}");
    assert!(summary.contains("2 findings remain"), "{summary}");

    let out = pyfix(dir.path(), &["--summary", "pr.md"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--summary needs --write or --diff"), "{}", stderr(&out));
}

/// The `entry` of each hook in `.pre-commit-hooks.yaml`, split into words.
fn hook_entries() -> Vec<(String, Vec<String>)> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    let mut hooks = Vec::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(value) = line.trim_start().strip_prefix("- id:") {
            id = Some(value.trim().to_string());
        } else if let Some(value) = line.trim_start().strip_prefix("entry:") {
            let words = value.split_whitespace().map(str::to_string).collect();
            hooks.push((id.clone().expect("an id before the entry"), words));
        }
    }
    hooks
}

/// Runs a hook as pre-commit does: its entry, the user's `args`, then the
/// staged files of the types it takes (`types_or: [python, pyi]`).
fn run_hook(dir: &Path, id: &str, args: &[&str]) -> std::process::Output {
    let (_, entry) =
        hook_entries().into_iter().find(|(hook, _)| hook == id).expect("the hook exists");
    assert_eq!(entry[0], "pyfix");
    let staged = git(dir, &["diff", "--cached", "--name-only", "--diff-filter=ACMR"]);
    let staged: Vec<String> = String::from_utf8_lossy(&staged.stdout)
        .lines()
        .filter(|name| name.ends_with(".py") || name.ends_with(".pyi"))
        .map(str::to_string)
        .collect();
    let mut all: Vec<&str> = entry[1..].iter().map(String::as_str).collect();
    all.extend_from_slice(args);
    all.extend(staged.iter().map(String::as_str));
    pyfix(dir, &all)
}

#[test]
fn pre_commit_hooks_fix_and_check_the_staged_files() {
    let ids: Vec<String> = hook_entries().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["pyfix", "pyfix-diff"]);

    let dir = repository(&[("README.md", "demo\n")]);
    write(dir.path(), "staged.py", BUGGY);
    write(dir.path(), "unstaged.py", BUGGY);
    write(dir.path(), "dist/generated.py", BUGGY);
    write(dir.path(), "notes.txt", "def f(x=[]): pass\n");
    git(dir.path(), &["add", "staged.py", "dist/generated.py", "notes.txt"]);

    // The check hook: fails with the diff, writes nothing, skips what is excluded.
    let out = run_hook(dir.path(), "pyfix-diff", &["--unsafe-fixes"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("--- a/staged.py\n+++ b/staged.py\n"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("generated.py"), "--force-exclude honours the exclusions");
    assert_eq!(read(dir.path(), "staged.py"), BUGGY);

    // The fix hook with only safe fixes: the finding remains, the hook fails.
    let out = run_hook(dir.path(), "pyfix", &[]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("staged.py:1:21: PF001"), "{}", stdout(&out));

    // With `args: [--unsafe-fixes]` it fixes the staged file and nothing else.
    let out = run_hook(dir.path(), "pyfix", &["--unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(read(dir.path(), "staged.py"), FIXED);
    assert_eq!(read(dir.path(), "unstaged.py"), BUGGY);
    assert_eq!(read(dir.path(), "dist/generated.py"), BUGGY);
}

/// The pre-commit mirror installs the wheel of this very version, and
/// offers the same hooks as this repository.
#[test]
fn pre_commit_mirror_pins_this_version_and_the_same_hooks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks_only = |text: String| -> String {
        text.lines().filter(|line| !line.starts_with('#')).collect::<Vec<_>>().join("\n")
    };
    let ours = hooks_only(fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap());
    let mirror = root.join("pre-commit-mirror");
    let theirs = hooks_only(fs::read_to_string(mirror.join(".pre-commit-hooks.yaml")).unwrap());
    assert_eq!(ours, theirs, "the mirror's hooks differ from .pre-commit-hooks.yaml");

    let version = env!("CARGO_PKG_VERSION");
    let project = fs::read_to_string(mirror.join("pyproject.toml")).unwrap();
    assert!(project.contains(&format!("version = \"{version}\"")), "{project}");
    assert!(project.contains(&format!("dependencies = [\"pyfix-lint=={version}\"]")), "{project}");
    let readme = fs::read_to_string(mirror.join("README.md")).unwrap();
    assert!(readme.contains(&format!("rev: v{version}")), "{readme}");
    let packaging = fs::read_to_string(root.join("pyproject.toml")).unwrap();
    assert!(packaging.contains("name = \"pyfix-lint\""), "the distribution is pyfix-lint");
}

/// Adopting pyfix on an old code base, as with ruff: `--add-noqa` marks
/// every finding where pyfix looks for its directive, and changes nothing
/// else.
#[test]
fn add_noqa_marks_every_finding_and_nothing_else() {
    let before = concat!(
        "def add(item, items=[]):  # noqa: E501 because\r\n",
        "    items.append(item)\r\n",
        "    return items\r\n",
        "\r\n",
        "fs = []\r\n",
        "for i in range(3):\r\n",
        "    fs.append(lambda: i)\t\r\n",
        "    x = (f\"\"\"\r\n",
        "{[lambda: i for i in range(3)]}\"\"\", \"\"\"a\r\n",
        "b\"\"\")\r\n",
        "try:\r\n",
        "    pass\r\n",
        "except:  # a comment\r\n",
        "    pass",
    );
    let after = concat!(
        "def add(item, items=[]):  # noqa: E501, PF001 because\r\n",
        "    items.append(item)\r\n",
        "    return items\r\n",
        "\r\n",
        "fs = []\r\n",
        "for i in range(3):\r\n",
        "    fs.append(lambda: i)\t  # noqa: PF004\r\n",
        "    x = (f\"\"\"\r\n",
        "{[lambda: i for i in range(3)]}\"\"\", \"\"\"a\r\n",
        "b\"\"\")\r\n",
        "try:\r\n",
        "    pass\r\n",
        "except:  # a comment  # noqa: PF002\r\n",
        "    pass",
    );
    let dir = project(&[("a.py", before), ("clean.py", "x = 1\n")]);
    let out = pyfix(dir.path(), &["--add-noqa"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Added 3 noqa directives.\nSkipped 1 finding on a line that ends inside a string (no comment can go there).\n"
    );
    assert_eq!(read(dir.path(), "a.py"), after);
    assert_eq!(read(dir.path(), "clean.py"), "x = 1\n");

    // The directives are honoured and used: only the finding whose line
    // ends inside a string remains, and PF100 has nothing to say.
    let out = pyfix(dir.path(), &["--output-format", "concise", "-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("a.py:9:3: PF004 "), "{text}");

    // A second run adds nothing.
    let out = pyfix(dir.path(), &["--add-noqa"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Added 0 noqa directives.\n"), "{}", stdout(&out));
    assert_eq!(read(dir.path(), "a.py"), after);

    // It edits files: standard input and the fixing modes are refused.
    assert_eq!(code(&pyfix(dir.path(), &["--add-noqa", "--write"])), 2);
    assert_eq!(code(&pyfix_stdin(dir.path(), &["--add-noqa", "-"], "x = 1\n")), 2);
}

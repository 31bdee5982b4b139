//! The GitHub Action (`action.yml`), its steps run as the runner runs them:
//! the scripts in `action/` under bash, with the environment `action.yml`
//! gives them, in a temporary clone whose `origin` is a bare repository,
//! and a stand-in `gh` that keeps the pull requests in a file.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `gh pr list/create/edit`, enough for `action/pull-request.sh`: one line
/// per pull request (`number head state`) in `$FAKE_GH/prs`, every call
/// logged in `$FAKE_GH/calls`.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
prs="$FAKE_GH/prs"
touch "$prs"
echo "$*" >> "$FAKE_GH/calls"
head=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = --head ] && head="${args[$((i + 1))]}"
done
case "$1 $2" in
  "pr list") awk -v h="$head" '$2 == h && $3 == "open" { print $1; exit }' "$prs" ;;
  "pr create")
    number=$(( $(wc -l < "$prs") + 1 ))
    echo "$number $head open" >> "$prs"
    echo "https://github.com/owner/repo/pull/$number"
    ;;
  "pr edit") ;;
  *) echo "unexpected: gh $*" >&2; exit 1 ;;
esac
"#;

const SOURCE: &str = "def parse(text, log):\n    try:\n        return int(text)\n    except:\n        log.write(text)\n        raise\n";

/// A clone of a bare `origin`, a folder for the fake `gh`, and the runner's
/// files (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `RUNNER_TEMP`).
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new(files: &[(&str, &str)]) -> Runner {
        let dir = project(&[]);
        let root = dir.path();
        for folder in ["work", "gh", "bin", "temp"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        git(root, &["init", "-q", "--bare", "origin.git"]);
        let work = root.join("work");
        git(&work, &["init", "-q"]);
        for (name, text) in files {
            write(&work, name, text);
        }
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "start"]);
        git(&work, &["remote", "add", "origin", "../origin.git"]);
        git(&work, &["push", "-q", "origin", "main"]);
        let gh = root.join("bin").join("gh");
        fs::write(&gh, FAKE_GH).unwrap();
        make_executable(&gh);
        Runner { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn work(&self) -> PathBuf {
        self.root().join("work")
    }

    /// Runs one step's script with its inputs, as `action.yml` passes them;
    /// returns its output and the `name=value` lines it wrote to
    /// `GITHUB_OUTPUT`.
    fn step(&self, script: &str, env: &[(&str, &str)]) -> (Output, BTreeMap<String, String>) {
        let outputs = self.root().join("temp").join(format!("{script}.out"));
        fs::write(&outputs, "").unwrap();
        let binary = Path::new(env!("CARGO_BIN_EXE_pyfix")).parent().unwrap();
        let path = format!(
            "{}:{}:{}",
            self.root().join("bin").display(),
            binary.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new("bash");
        command
            .arg(Path::new(ROOT).join("action").join(script))
            .current_dir(self.work())
            .env("PATH", path)
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", self.root().join("temp").join("step-summary.md"))
            .env("RUNNER_TEMP", self.root().join("temp"))
            .env("FAKE_GH", self.root().join("gh"))
            .env("GIT_CONFIG_GLOBAL", self.root().join("no-gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1");
        for (key, value) in env {
            assert!(
                action_yml().contains(&format!("{key}: ${{{{")),
                "action.yml does not pass {key} to its steps"
            );
            command.env(key, value);
        }
        let output = command.output().expect("bash runs");
        let written = fs::read_to_string(&outputs).unwrap();
        let values = written
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        (output, values)
    }

    /// The run step, then (when it changed something) the pull-request
    /// step, as `action.yml` chains them.
    fn write_and_open(&self, rule: &str) -> BTreeMap<String, String> {
        let (run, mut outputs) = self.step(
            "run.sh",
            &[("PYFIX_MODE", "write"), ("PYFIX_SELECT", rule), ("PYFIX_PATHS", ".")],
        );
        assert_eq!(code(&run), 0, "{}{}", stdout(&run), stderr(&run));
        if outputs.get("changed").map(String::as_str) == Some("true") {
            let summary = outputs["summary-file"].clone();
            let (pr, pr_outputs) = self.step(
                "pull-request.sh",
                &[
                    ("GH_TOKEN", "token"),
                    ("PYFIX_BRANCH", &format!("pyfix/{rule}")),
                    ("PYFIX_SELECT", rule),
                    ("PYFIX_SUMMARY", &summary),
                ],
            );
            assert_eq!(code(&pr), 0, "{}{}", stdout(&pr), stderr(&pr));
            outputs.extend(pr_outputs);
        }
        outputs
    }

    fn gh_calls(&self) -> Vec<String> {
        let calls = fs::read_to_string(self.root().join("gh").join("calls")).unwrap_or_default();
        calls.lines().map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" ")).collect()
    }

    /// What `origin` holds on `branch`, file by file.
    fn origin_file(&self, branch: &str, name: &str) -> String {
        let out = git(&self.root().join("origin.git"), &["show", &format!("{branch}:{name}")]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    }

    /// Back to a clean `main`, as the next scheduled run checks it out.
    fn fresh_checkout(&self) {
        git(&self.work(), &["checkout", "-q", "-f", "main"]);
    }

    /// The pull request is merged on GitHub: no longer open.
    fn merge_pull_requests(&self) {
        let prs = self.root().join("gh").join("prs");
        let text = fs::read_to_string(&prs).unwrap().replace(" open", " merged");
        fs::write(prs, text).unwrap();
    }
}

fn action_yml() -> String {
    fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap()
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

#[test]
fn action_runs_each_step_script() {
    let action = action_yml();
    for script in ["install.sh", "run.sh", "pull-request.sh"] {
        assert!(
            action.contains(&format!("run: bash \"$GITHUB_ACTION_PATH/action/{script}\"")),
            "action.yml does not run action/{script}"
        );
    }
    assert!(action.contains("using: composite"));
}

#[test]
fn check_mode_annotates_and_fails_on_findings() {
    let runner = Runner::new(&[("app.py", SOURCE)]);
    let (out, outputs) = runner.step("run.sh", &[("PYFIX_MODE", "check"), ("PYFIX_PATHS", ".")]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("::warning file=app.py,line=4"), "{}", stdout(&out));
    assert_eq!(outputs["changed"], "false");
    assert_eq!(read(&runner.work(), "app.py"), SOURCE, "check mode writes nothing");
    assert!(runner.gh_calls().is_empty());
}

#[test]
fn unknown_mode_is_an_error() {
    let runner = Runner::new(&[("app.py", SOURCE)]);
    let (out, _) = runner.step("run.sh", &[("PYFIX_MODE", "fix-everything")]);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).contains("::error::mode must be check, diff or write"));
}

#[test]
fn version_none_uses_the_pyfix_on_path() {
    let runner = Runner::new(&[("app.py", SOURCE)]);
    let (out, _) = runner.step("install.sh", &[("PYFIX_VERSION", "none")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("pyfix "), "{}", stdout(&out));
}

#[test]
fn one_pull_request_per_branch_and_a_new_one_after_a_merge() {
    let runner = Runner::new(&[("app.py", SOURCE), ("clean.py", "x = 1\n")]);

    // First run: the fix is committed on pyfix/PF002 and a pull request opened.
    let outputs = runner.write_and_open("PF002");
    assert_eq!(outputs["changed"], "true");
    assert_eq!(outputs["number"], "1");
    assert_eq!(runner.gh_calls(), ["pr list", "pr create"]);
    assert!(runner.origin_file("pyfix/PF002", "app.py").contains("except BaseException:"));
    assert_eq!(runner.origin_file("main", "app.py"), SOURCE, "main is untouched");
    let summary = fs::read_to_string(runner.root().join("temp").join("step-summary.md")).unwrap();
    assert!(summary.contains("PF002"), "the job summary holds pyfix's summary: {summary}");
    let calls = fs::read_to_string(runner.root().join("gh").join("calls")).unwrap();
    assert!(calls.contains("--base main --head pyfix/PF002 --title pyfix: fix PF002"), "{calls}");

    // Next week, the pull request still open: it is updated, not duplicated.
    runner.fresh_checkout();
    let outputs = runner.write_and_open("PF002");
    assert_eq!(outputs["number"], "1");
    assert_eq!(runner.gh_calls()[2..], ["pr list", "pr edit"]);

    // After the merge, the branch gets a new pull request.
    runner.merge_pull_requests();
    runner.fresh_checkout();
    let outputs = runner.write_and_open("PF002");
    assert_eq!(outputs["number"], "2");
    assert_eq!(runner.gh_calls()[4..], ["pr list", "pr create"]);
}

#[test]
fn nothing_to_fix_opens_nothing() {
    let runner = Runner::new(&[("clean.py", "x = 1\n")]);
    let outputs = runner.write_and_open("PF002");
    assert_eq!(outputs["changed"], "false");
    assert!(!outputs.contains_key("number"));
    assert!(runner.gh_calls().is_empty());
    let branches =
        git(&runner.root().join("origin.git"), &["for-each-ref", "--format=%(refname:short)"]);
    assert_eq!(stdout(&branches).trim(), "main");
}

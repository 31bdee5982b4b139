//! Output end to end: `--output-format`, `--statistics`, `--show-fixes`,
//! exit-status flags, `-q`/`-s`, colour, and the progress bar's absence
//! from pipes.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::*;

const TWO: &str = "def add(item, items=[]):\n    items.append(item)\n    return items\n\n\ndef tally(counts={}):  # noqa: PF999\n    counts[item] = 1\n    return counts\n";

#[test]
fn json_lists_every_finding_with_its_edits_and_applicability() {
    let dir = project(&[("pkg/a.py", TWO), ("clean.py", "x = 1\n")]);
    let out = pyfix(dir.path(), &["--output-format", "json"]);
    assert_eq!(code(&out), 1);
    let findings: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 3, "{findings:#?}");
    let first = &findings[0];
    assert_eq!(first["code"], "PF001");
    assert_eq!(first["name"], "mutable-default");
    assert_eq!(first["filename"], "pkg/a.py");
    assert_eq!(first["location"], serde_json::json!({"row": 1, "column": 21}));
    assert_eq!(first["end_location"], serde_json::json!({"row": 1, "column": 23}));
    assert_eq!(first["noqa_row"], 1);
    assert_eq!(first["fix"]["applicability"], "unsafe");
    assert_eq!(first["fix"]["applied_by_this_run"], false);
    let edits = first["fix"]["edits"].as_array().unwrap();
    assert!(edits.iter().any(|edit| edit["content"] == "None"), "{edits:#?}");
    let unknown = findings.iter().find(|f| f["code"] == "PF100").unwrap();
    assert_eq!(unknown["fix"]["applicability"], "safe");
    assert_eq!(unknown["fix"]["edits"][0]["content"], "");

    // Nothing found: an empty array, and still nothing but JSON.
    let out = pyfix(dir.path(), &["--output-format", "json", "clean.py"]);
    assert_eq!(code(&out), 0);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), serde_json::json!([]));
}

#[test]
fn github_prints_workflow_annotations() {
    let dir = project(&[("a.py", TWO)]);
    let out = pyfix(dir.path(), &["--output-format", "github"]);
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "::warning file=a.py,line=1,col=21,endLine=1,endColumn=23,title=pyfix (PF001)::a.py:1:21: PF001 `items` defaults to a mutable list that is created once and shared by every call: line 2 changes it and line 3 hands it to the caller, so each call starts from what earlier calls left in it"
    );
    assert!(text.lines().all(|line| line.starts_with("::warning ")), "{text}");
}

/// The SARIF log validates against the SARIF 2.1.0 schema (a copy in
/// tests/data), with Python's `jsonschema`. Without that package the test
/// says so and checks less, unless PYFIX_REQUIRE_JSONSCHEMA is set (CI).
#[test]
fn sarif_validates_against_the_schema() {
    let dir =
        project(&[("a.py", TWO), ("b c.py", "def f(x=set()):\n    x.add(1)\n    return x\n")]);
    let out = pyfix(dir.path(), &["--output-format", "sarif"]);
    assert_eq!(code(&out), 1);
    let log: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "pyfix");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["ruleId"], "PF001");
    let rule_index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][rule_index]["id"], "PF001");
    assert!(results[0]["fixes"][0]["artifactChanges"][0]["replacements"].is_array());

    let log_file = dir.path().join("out.sarif");
    std::fs::write(&log_file, &out.stdout).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let python = std::env::var("PYFIX_SCHEMA_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  jsonschema.Draft7Validator.check_schema(schema)\n\
                  errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2]))))\n\
                  for error in errors: print(list(error.path), error.message)\n\
                  sys.exit(1 if errors else 0)\n";
    let has_jsonschema = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_jsonschema {
        assert!(
            std::env::var_os("PYFIX_REQUIRE_JSONSCHEMA").is_none(),
            "PYFIX_REQUIRE_JSONSCHEMA is set but `{python}` lacks jsonschema"
        );
        eprintln!("note: `{python} -c 'import jsonschema'` fails; SARIF schema validation skipped");
        return;
    }
    let validation =
        Command::new(&python).arg("-c").arg(script).arg(&schema).arg(&log_file).output().unwrap();
    assert!(
        validation.status.success(),
        "the SARIF log does not validate:\n{}{}",
        String::from_utf8_lossy(&validation.stdout),
        String::from_utf8_lossy(&validation.stderr)
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = project(&[("a.py", TWO), ("b.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--statistics", "--unsafe-fixes"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.starts_with("3\tPF001\t[*] mutable-default\n1\tPF100\t[*] unused-suppression\n"),
        "{text}"
    );
    assert!(!text.contains("a.py"), "{text}");
    let out = pyfix(dir.path(), &["--statistics", "--output-format", "json"]);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows[0],
        serde_json::json!({"code": "PF001", "name": "mutable-default", "count": 3, "fixable": false})
    );
}

#[test]
fn show_fixes_lists_what_was_fixed_per_file() {
    let dir = project(&[("a.py", TWO), ("b.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--show-fixes"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Fixed 4 findings:\n- a.py:\n    2 × PF001 (mutable-default) (2 unsafe)\n    1 × PF100 (unused-suppression)\n- b.py:\n    1 × PF001 (mutable-default) (1 unsafe)\n"),
        "{text}"
    );
}

#[test]
fn exit_status_flags() {
    let dir = project(&[("a.py", BUGGY)]);
    assert_eq!(code(&pyfix(dir.path(), &[])), 1);
    assert_eq!(code(&pyfix(dir.path(), &["--exit-zero"])), 0);
    assert_eq!(code(&pyfix(dir.path(), &["-e", "--diff", "--unsafe-fixes"])), 0);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--exit-non-zero-on-fix"]);
    assert_eq!(code(&out), 1, "a file was fixed");
    assert_eq!(read(dir.path(), "a.py"), FIXED);
    assert_eq!(
        code(&pyfix(dir.path(), &["--write", "--exit-non-zero-on-fix"])),
        0,
        "nothing left to fix"
    );
    // Errors still give 2.
    write(dir.path(), "broken.py", "def f(:\n");
    assert_eq!(code(&pyfix(dir.path(), &["--exit-zero"])), 2);
}

#[test]
fn quiet_prints_only_findings_and_silent_nothing() {
    let dir = project(&[("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["-q"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    let out = pyfix(dir.path(), &["--silent"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    let out = pyfix(dir.path(), &["--quiet", "--diff", "--unsafe-fixes"]);
    assert!(stdout(&out).starts_with("--- a/a.py"), "{}", stdout(&out));
    assert_eq!(stderr(&out), "", "no summary with -q");
}

#[test]
fn full_format_shows_the_source_and_the_fix() {
    let dir = project(&[("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--output-format", "full", "--unsafe-fixes"]);
    let text = stdout(&out);
    assert!(text.starts_with("a.py:1:21: PF001 [*] `items`"), "{text}");
    assert!(
        text.contains("1 | def add(item, items=[]):\n  |                     ^^ PF001\n"),
        "{text}"
    );
    assert!(text.contains("= unsafe fix (applied with `--unsafe-fixes`):"), "{text}");
    assert!(text.contains("+def add(item, items=None):"), "{text}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = project(&[("a.py", BUGGY)]);
    let escape = |out: &std::process::Output| out.stdout.contains(&0x1b);
    // A pipe gets plain text, and --diff a pure diff.
    assert!(!escape(&pyfix(dir.path(), &[])));
    assert!(!escape(&pyfix(dir.path(), &["--diff", "--unsafe-fixes"])));
    assert!(escape(&pyfix_env(dir.path(), &[], &[("FORCE_COLOR", "1")])));
    assert!(escape(&pyfix_env(dir.path(), &["--diff", "--unsafe-fixes"], &[("FORCE_COLOR", "1")])));
    assert!(!escape(&pyfix_env(dir.path(), &[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])));
    // Machine-readable formats never carry colour.
    assert!(!escape(&pyfix_env(dir.path(), &["--output-format", "json"], &[("FORCE_COLOR", "1")])));
}

#[test]
fn no_progress_bar_in_a_pipe() {
    let files: Vec<(String, &str)> = (0..300).map(|i| (format!("m{i:03}.py"), BUGGY)).collect();
    let files: Vec<(&str, &str)> =
        files.iter().map(|(name, text)| (name.as_str(), *text)).collect();
    let dir = project(&files);
    let out = pyfix(dir.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert_eq!(err, "Would fix 300 findings in 300 files (PF001: 300).\n");
}

/// A second run answers from the cache (no parse) with exactly the output
/// of an uncached run, in every format and mode.
#[test]
fn cached_reports_give_byte_identical_output() {
    let files = [
        ("a.py", TWO),
        ("b.py", "try:\n    x = 1\nexcept:\n    raise\n"),
        ("clean.py", "x = 1\n"),
        ("py2.py", "print 'x'\n"),
    ];
    let runs: &[&[&str]] = &[
        &[],
        &["--unsafe-fixes"],
        &["--output-format", "full"],
        &["--output-format", "json", "--unsafe-fixes"],
        &["--output-format", "sarif"],
        &["--output-format", "github"],
        &["--statistics"],
        &["--diff"],
        &["--diff", "--unsafe-fixes"],
    ];
    for args in runs {
        let dir = project(&files);
        let uncached = pyfix(dir.path(), &[args, &["--no-cache", "."][..]].concat());
        let first = pyfix(dir.path(), &[args, &["."][..]].concat());
        let reports = dir.path().join(".pyfix_cache/reports-v1");
        let stored = std::fs::read_dir(&reports).map(|entries| entries.count()).unwrap_or(0);
        assert!(stored > 0, "{args:?}: no report was cached");
        let second = pyfix(dir.path(), &[args, &["."][..]].concat());
        for (label, output) in [("first", &first), ("second", &second)] {
            assert_eq!(stdout(output), stdout(&uncached), "{args:?}: {label} run's stdout");
            assert_eq!(stderr(output), stderr(&uncached), "{args:?}: {label} run's stderr");
            assert_eq!(code(output), code(&uncached), "{args:?}: {label} run's status");
        }
    }
    // --write from a cached report writes what an uncached run writes.
    let cached = project(&files);
    pyfix(cached.path(), &["--unsafe-fixes", "--diff", "."]);
    let uncached = project(&files);
    let cached_write = pyfix(cached.path(), &["--unsafe-fixes", "--write", "."]);
    let uncached_write = pyfix(uncached.path(), &["--unsafe-fixes", "--write", "--no-cache", "."]);
    assert_eq!(stdout(&cached_write), stdout(&uncached_write));
    for (name, _) in files {
        assert_eq!(read(cached.path(), name), read(uncached.path(), name), "{name}");
    }
}

/// The second run really reads the stored report instead of parsing: a
/// report edited on disk shows through (and a corrupt one is ignored).
#[test]
fn a_second_run_reads_the_stored_report() {
    let dir = project(&[("a.py", TWO)]);
    let first = pyfix(dir.path(), &["."]);
    assert!(stdout(&first).contains("created once"), "{}", stdout(&first));
    let reports = dir.path().join(".pyfix_cache/reports-v1");
    for entry in std::fs::read_dir(&reports).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().replace("created once", "MADE ONCE");
        std::fs::write(&path, text).unwrap();
    }
    assert!(stdout(&pyfix(dir.path(), &["."])).contains("MADE ONCE"));
    for entry in std::fs::read_dir(&reports).unwrap() {
        std::fs::write(entry.unwrap().path(), "{ truncated").unwrap();
    }
    assert_eq!(stdout(&pyfix(dir.path(), &["."])), stdout(&first));
}

/// Each finding links its rule's page: the page's path in the repository,
/// or under `docs-url`; SARIF, which takes only absolute URIs, links the
/// pages only under `docs-url`, and names no unrelated project.
#[test]
fn findings_link_their_rule_pages() {
    let dir = project(&[("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--output-format", "json"]);
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings[0]["url"], "docs/rules/PF001.md");
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/PF001.md");
    assert!(page.is_file(), "the link leads to a page");

    let out = pyfix(dir.path(), &["--output-format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert!(driver.get("informationUri").is_none(), "{driver}");
    assert!(driver["rules"][0].get("helpUri").is_none(), "{driver}");

    let base = "docs-url = 'https://example.org/pyfix/docs/rules/'";
    let out = pyfix(dir.path(), &["--output-format", "json", "--config", base]);
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings[0]["url"], "https://example.org/pyfix/docs/rules/PF001.md");
    let out = pyfix(dir.path(), &["--output-format", "sarif", "--config", base]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["id"], "PF001");
    assert_eq!(rule["helpUri"], "https://example.org/pyfix/docs/rules/PF001.md");

    // A relative `docs-url` would make SARIF invalid: it is refused.
    std::fs::write(dir.path().join("pyfix.toml"), "docs-url = \"docs/rules\"\n").unwrap();
    let out = pyfix(dir.path(), &["--output-format", "json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("`docs-url` must be an absolute URL"), "{}", stderr(&out));
}

//! Configuration end to end: `[tool.pyfix]`, `pyfix.toml`, `--config`,
//! `--isolated`, rule selection, exclusions, per-file ignores, target
//! version, `--show-settings`, and standard input with `--stdin-filename`.

mod support;

use support::*;

const ANNOTATED: &str =
    "def add(item, items: list[int] = []):\n    items.append(item)\n    return items\n";

#[test]
fn tool_pyfix_in_pyproject_selects_the_rules() {
    let dir = project(&[
        ("pyproject.toml", "[project]\nname = \"demo\"\n\n[tool.pyfix]\nignore = [\"PF001\"]\n"),
        ("a.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // The command line overrides the configuration, as in ruff.
    let out = pyfix(dir.path(), &["--select", "PF001"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    // `--extend-select` adjusts what the configuration chose: a code on the
    // command line outranks the configuration's ignore.
    let out = pyfix(dir.path(), &["--extend-select", "PF001"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let out = pyfix(dir.path(), &["--extend-select", "PF100"]);
    assert_eq!(
        code(&out),
        0,
        "the configuration's ignore still applies to PF001: {}",
        stdout(&out)
    );
}

#[test]
fn a_pyproject_without_tool_pyfix_is_not_a_configuration() {
    let dir = project(&[
        ("pyfix.toml", "ignore = [\"PF001\"]\n"),
        ("sub/pyproject.toml", "[project]\nname = \"sub\"\n"),
        ("sub/a.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn pyfix_toml_wins_over_pyproject_and_the_closest_configuration_governs() {
    let dir = project(&[
        ("pyproject.toml", "[tool.pyfix]\nignore = [\"PF001\"]\n"),
        ("pyfix.toml", "select = [\"PF001\"]\n"),
        ("a.py", BUGGY),
        ("quiet/pyfix.toml", "ignore = [\"PF001\"]\n"),
        ("quiet/b.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &[]);
    let text = stdout(&out);
    assert!(text.contains("a.py:1:21: PF001"), "{text}");
    assert!(!text.contains("quiet/b.py"), "{text}");
}

#[test]
fn per_file_ignores_take_globs() {
    let config = "[tool.pyfix.per-file-ignores]\n\"tests/*\" = [\"mutable-default\"]\n\"__init__.py\" = [\"PF\"]\n";
    let dir = project(&[
        ("pyproject.toml", config),
        ("src/a.py", BUGGY),
        ("src/__init__.py", BUGGY),
        ("tests/test_a.py", BUGGY),
        ("tests/deep/test_b.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &[]);
    let text = stdout(&out);
    assert!(text.contains("src/a.py:1:21"), "{text}");
    assert!(!text.contains("__init__"), "{text}");
    assert!(!text.contains("tests/"), "{text}");
}

#[test]
fn unknown_keys_and_rules_are_errors_that_name_the_file_and_line() {
    let dir = project(&[
        ("pyproject.toml", "[project]\nname = \"x\"\n\n[tool.pyfix]\nselct = [\"PF001\"]\n"),
        ("a.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "pyproject.toml: error: line 5: unknown key `tool.pyfix.selct` (did you mean `tool.pyfix.select`?)\n"
    );
    assert_eq!(read(dir.path(), "a.py"), BUGGY, "nothing is written when the configuration is bad");

    let dir =
        project(&[("sub/pyfix.toml", "ignore = [\"PF001\", \"PF999\"]\n"), ("sub/a.py", BUGGY)]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("sub/pyfix.toml: error: line 1: unknown rule `PF999` in `ignore`"),
        "{}",
        stderr(&out)
    );

    let dir = project(&[("pyfix.toml", "target-version = 38\n"), ("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("`target-version` must be a version like \"py38\""),
        "{}",
        stderr(&out)
    );

    let dir = project(&[("pyfix.toml", "select = [\n"), ("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("pyfix.toml: error: line "), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn unsafe_fixes_can_be_configured_and_overridden() {
    let dir = project(&[("pyfix.toml", "unsafe-fixes = true\n"), ("a.py", BUGGY)]);
    let out = pyfix(dir.path(), &["--diff", "--no-unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = pyfix(dir.path(), &["--write"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(read(dir.path(), "a.py"), FIXED);
}

#[test]
fn target_version_overrides_requires_python() {
    let fixed_for = |files: &[(&str, &str)], args: &[&str]| {
        let dir = project(files);
        let mut all = vec!["--write", "--unsafe-fixes"];
        all.extend_from_slice(args);
        let out = pyfix(dir.path(), &all);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        read(dir.path(), "a.py")
    };
    let py38 = "[project]\nname = \"x\"\nrequires-python = \">=3.8\"\n";
    assert!(
        fixed_for(&[("pyproject.toml", py38), ("a.py", ANNOTATED)], &[])
            .contains("Optional[list[int]]")
    );
    let with_target = format!("{py38}\n[tool.pyfix]\ntarget-version = \"py310\"\n");
    assert!(
        fixed_for(&[("pyproject.toml", &with_target), ("a.py", ANNOTATED)], &[])
            .contains("list[int] | None")
    );
    // A pyfix.toml without target-version takes requires-python from the pyproject.toml beside it.
    let text = fixed_for(
        &[("pyproject.toml", py38), ("pyfix.toml", "select = [\"PF001\"]\n"), ("a.py", ANNOTATED)],
        &[],
    );
    assert!(text.contains("Optional[list[int]]"), "{text}");
    let text =
        fixed_for(&[("pyproject.toml", py38), ("a.py", ANNOTATED)], &["--target-version", "py311"]);
    assert!(text.contains("list[int] | None"), "{text}");
    let text = fixed_for(&[("a.py", ANNOTATED)], &["--config", "target-version = \"py38\""]);
    assert!(text.contains("Optional[list[int]]"), "{text}");
}

#[test]
fn exclude_extend_exclude_and_force_exclude() {
    let files = [
        ("pyfix.toml", "extend-exclude = [\"generated\", \"legacy/*.py\"]\n"),
        ("generated/a.py", BUGGY),
        ("legacy/b.py", BUGGY),
        ("dist/c.py", BUGGY),
        ("src/d.py", BUGGY),
    ];
    let dir = project(&files);
    let text = stdout(&pyfix(dir.path(), &[]));
    assert!(
        text.contains("src/d.py") && !text.contains("generated") && !text.contains("legacy"),
        "{text}"
    );
    assert!(!text.contains("dist/"), "the default exclusions still apply: {text}");
    // A file named on the command line is processed, unless --force-exclude.
    assert_eq!(code(&pyfix(dir.path(), &["generated/a.py"])), 1);
    let out = pyfix(dir.path(), &["--force-exclude", "generated/a.py", "dist/c.py", "src/d.py"]);
    let text = stdout(&out);
    assert!(
        text.contains("src/d.py") && !text.contains("generated") && !text.contains("dist"),
        "{text}"
    );

    // `exclude` replaces the defaults.
    let dir = project(&[
        ("pyfix.toml", "exclude = [\"src\"]\n"),
        ("build/c.py", BUGGY),
        ("src/d.py", BUGGY),
    ]);
    let text = stdout(&pyfix(dir.path(), &[]));
    assert!(text.contains("build/c.py") && !text.contains("src/d.py"), "{text}");
    // And so does --exclude on the command line; --extend-exclude adds.
    let text = stdout(&pyfix(dir.path(), &["--exclude", "nothing", "--extend-exclude", "build"]));
    assert!(!text.contains("build/c.py") && text.contains("src/d.py"), "{text}");
}

#[test]
fn config_flag_and_isolated() {
    let dir = project(&[
        ("pyproject.toml", "[tool.pyfix]\nignore = [\"PF001\"]\n"),
        ("ci/strict.toml", "select = [\"PF001\"]\n"),
        ("a.py", BUGGY),
    ]);
    assert_eq!(code(&pyfix(dir.path(), &[])), 0);
    assert_eq!(code(&pyfix(dir.path(), &["--isolated"])), 1);
    assert_eq!(code(&pyfix(dir.path(), &["--config", "ci/strict.toml"])), 1);
    let out = pyfix(dir.path(), &["--config", "missing.toml"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("missing.toml: error: cannot read configuration"),
        "{}",
        stderr(&out)
    );
    let out = pyfix(dir.path(), &["--config", "nonsense = 1"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("unknown key `nonsense`"), "{}", stderr(&out));
}

#[test]
fn show_settings_prints_the_resolved_settings_as_toml() {
    let dir = project(&[
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\nrequires-python = \">=3.9\"\n\n[tool.pyfix]\nextend-heavy-modules = [\"bigmod\"]\n\
             [tool.pyfix.per-file-ignores]\n\"tests/*\" = [\"PF001\"]\n",
        ),
        ("tests/test_a.py", BUGGY),
    ]);
    let out = pyfix(dir.path(), &["--show-settings", "tests/test_a.py"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("# Configuration file: ") && text.contains("pyproject.toml"), "{text}");
    let table: toml::Table = toml::from_str(&text).expect("valid TOML");
    assert_eq!(table["target-version"].as_str(), Some("py39"));
    let select: Vec<&str> =
        table["select"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(!select.contains(&"PF001"), "per-file-ignores apply: {text}");
    let heavy: Vec<&str> =
        table["heavy-modules"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(heavy.contains(&"pandas") && heavy.contains(&"bigmod"), "{text}");
    assert!(text.contains("\"tests/*\" = [\"PF001\"]  # matches this file"), "{text}");
}

/// The tests run under target/, inside this repository, whose own
/// pyproject.toml (packaging only) must not change their settings.
#[test]
fn the_repository_pyproject_sets_nothing() {
    let dir =
        tempfile::Builder::new().prefix("bare").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    write(dir.path(), "a.py", BUGGY);
    let out = pyfix(dir.path(), &["--show-settings", "a.py"]);
    let text = stdout(&out);
    assert!(text.contains("# Configuration file: none (defaults)"), "{text}");
    assert!(text.contains("target-version = \"py310\"  # default"), "{text}");
}

#[test]
fn stdin_honours_the_configuration_of_its_file_name() {
    let dir = project(&[
        ("lib/pyfix.toml", "ignore = [\"PF001\"]\n"),
        ("vendor/pyfix.toml", "extend-exclude = [\"vendored_*.py\"]\nforce-exclude = true\n"),
    ]);
    let out = pyfix_stdin(dir.path(), &["-", "--stdin-filename", "lib/a.py"], BUGGY);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = pyfix_stdin(dir.path(), &["-", "--stdin-filename", "app/a.py"], BUGGY);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).starts_with("app/a.py:1:21: PF001"), "{}", stdout(&out));
    // An excluded file name: the text passes through untouched.
    let out = pyfix_stdin(
        dir.path(),
        &["-", "--stdin-filename", "vendor/vendored_x.py", "--write", "--unsafe-fixes"],
        BUGGY,
    );
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), BUGGY);
}

#[test]
fn fixable_and_unfixable_choose_which_rules_may_fix() {
    // Two findings with fixes: PF001 (unsafe) and PF002 (safe when the handler re-raises).
    let source = format!("{BUGGY}try:\n    pass\nexcept:\n    raise\n");
    let dir = project(&[("pyfix.toml", "unfixable = [\"PF001\"]\n"), ("a.py", source.as_str())]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("items=[]") && fixed.contains("except BaseException:"), "{fixed}");
    assert!(stdout(&out).contains("PF001"), "the unfixable finding remains: {}", stdout(&out));

    // The command line overrides: `--fixable` starts afresh, as `--select` does.
    let dir = project(&[("pyfix.toml", "unfixable = [\"PF001\"]\n"), ("a.py", source.as_str())]);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes", "--fixable", "PF001"]);
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("items=None") && fixed.contains("except:"), "{fixed}");
    assert_eq!(code(&out), 1, "PF002 remains, unfixable now: {}", stdout(&out));

    // `--extend-fixable` adds back what the configuration left out.
    let dir = project(&[("pyfix.toml", "unfixable = [\"PF001\"]\n"), ("a.py", source.as_str())]);
    pyfix(dir.path(), &["--write", "--unsafe-fixes", "--extend-fixable", "PF001"]);
    let fixed = read(dir.path(), "a.py");
    assert!(fixed.contains("items=None") && fixed.contains("except BaseException:"), "{fixed}");

    // An unknown rule is an error, as in `select`.
    let out = pyfix(dir.path(), &["--unfixable", "PF999"]);
    assert_eq!(code(&out), 2);
    let settings = stdout(&pyfix(dir.path(), &["--show-settings", "a.py"]));
    assert!(settings.contains("unfixable = [\"PF001\"]"), "{settings}");
}

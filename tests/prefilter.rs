//! The prefilter may only skip work, never findings: on every file of the
//! CPython standard library, the rules whose `may_match` says "no" must find
//! nothing when they are run anyway, and a run that parses skeletons (see
//! `pyfix::syntax::skeleton`) must report and fix exactly what whole parses do.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pyfix::engine::{Prefilter, process_with};
use pyfix::rule::Applicability;
use pyfix::rule::settings::Settings;
use pyfix::rule::{FileInfo, Transform};
use pyfix::syntax::scan::scan;
use pyfix::transforms::{ALL, REGISTRY};
use rayon::prelude::*;

fn stdlib() -> PathBuf {
    let output = Command::new("python3")
        .args(["-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"])
        .output()
        .expect("python3 runs");
    PathBuf::from(String::from_utf8(output.stdout).expect("a UTF-8 path").trim())
}

fn python_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() && entry.file_name() != "site-packages" {
                pending.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "py") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_rule_ruled_out_by_its_prefilter_finds_nothing() {
    let stdlib = stdlib();
    let settings = Settings::default();
    let mut checked = 0;
    let mut skipped_rule_runs = 0;
    let mut misses = Vec::new();
    for path in python_files(&stdlib) {
        let Ok(source) = fs::read_to_string(&path) else { continue };
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        let scanned = scan(source.as_bytes());
        let info = FileInfo { file_name: &file_name, settings: &settings };
        let ruled_out: Vec<&dyn Transform> =
            ALL.iter().copied().filter(|rule| !rule.may_match(&scanned, &info)).collect();
        if scanned.suspicious || ruled_out.is_empty() {
            continue;
        }
        checked += 1;
        skipped_rule_runs += ruled_out.len();
        let Ok(report) = process_with(
            &source,
            &file_name,
            REGISTRY.selection(&ruled_out),
            &settings,
            None,
            Prefilter::Off,
        ) else {
            continue; // a file tree-sitter cannot parse has no findings to miss
        };
        for finding in report.findings {
            misses.push(format!(
                "{}:{}: {} {}",
                path.display(),
                finding.line,
                finding.code,
                finding.message
            ));
        }
    }
    assert!(checked > 1000, "expected the stdlib, checked {checked} files");
    eprintln!("{checked} files, {skipped_rule_runs} rule runs the prefilter would skip");
    assert!(misses.is_empty(), "the prefilter skipped real findings:\n{}", misses.join("\n"));
}

#[test]
fn skeletons_find_and_fix_exactly_what_whole_parses_do() {
    let paths = python_files(&stdlib());
    assert!(paths.len() > 1000, "expected the stdlib, found {} files", paths.len());
    let differences: Vec<String> = paths
        .par_iter()
        .flat_map_iter(|path| {
            let source = fs::read_to_string(path).unwrap_or_default();
            let name =
                path.file_name().map(|name| name.to_string_lossy().to_string()).unwrap_or_default();
            [None, Some(Applicability::Unsafe)].into_iter().filter_map(move |apply| {
                common::skeletons_differ(&source, &name, &Settings::default(), apply)
                    .map(|_| format!("{} ({apply:?})", path.display()))
            })
        })
        .collect();
    assert!(
        differences.is_empty(),
        "skeletons and whole parses differ on:\n{}",
        differences.join("\n")
    );
}

/// A skeleton must not make blanked lines look like blank lines between
/// methods: PF007 copies the class's spacing (here none) into the methods
/// it adds, the same with a skeleton (which blanks `helper`, and keeps the
/// methods, whose bodies PF007 reads) as with a whole parse.
#[test]
fn del_cleanup_copies_the_spacing_of_blanked_methods_exactly() {
    let source = "def helper(a):\n    value = a * 2\n    return value\n\n\nclass Leaky:\n    def read(self):\n        data = self.handle.read()\n        data = data.strip()\n        return data\n    def __del__(self):\n        self.handle.release()\n";
    let settings = Settings::default();
    let whole = process_with(
        source,
        "leaky.py",
        REGISTRY.select_all(),
        &settings,
        Some(Applicability::Unsafe),
        Prefilter::Off,
    )
    .expect("it parses");
    let fixed = whole.fixed.as_deref().expect("PF007 fixes the class");
    assert!(
        fixed.contains("        return data\n    __closed = False\n    def __enter__(self):\n"),
        "no blank line added:\n{fixed}"
    );
    assert_eq!(
        common::skeletons_differ(source, "leaky.py", &settings, Some(Applicability::Unsafe)),
        None
    );
}

/// PF005 must see every use of another import of the same package: in
/// `style`, `mpl.pyplot` depends on `import matplotlib.pyplot` having run,
/// though `style` never names `plt`, the name that import binds.
#[test]
fn eager_cli_import_sees_the_package_reached_through_another_import() {
    let source = "import matplotlib.pyplot as plt\ntry:\n    import matplotlib as mpl\nexcept ImportError:\n    mpl = None\n\n\
                  def draw():\n    return plt.plot()\n\ndef style():\n    return mpl.pyplot.figure()\n\n\
                  if __name__ == '__main__':\n    draw()\n";
    let settings = Settings::default();
    let whole = process_with(
        source,
        "cli.py",
        REGISTRY.select_all(),
        &settings,
        Some(Applicability::Unsafe),
        Prefilter::Off,
    )
    .expect("it parses");
    assert!(whole.fixes.is_empty(), "the import must stay: {:?}", whole.fixed);
    assert_eq!(
        common::skeletons_differ(source, "cli.py", &settings, Some(Applicability::Unsafe)),
        None
    );
}

/// Patterns that cross each cut of the custom rules' prefilter: common
/// names only (`None`), operators side by side, a dotted name matched
/// through imports (its last part stands for it in a definition), an
/// attribute of any object, keywords, sequences, subscripts and strings.
const CUSTOM_PATTERNS: &[&str] = &[
    "$X == None",
    "$X != None",
    "$X is not None and $Y",
    "type($A) == type($B)",
    "$D.has_key($K)",
    "self.assertEquals($$$A)",
    "logging.warn($$$A)",
    "os.path.join($A, '..')",
    "isinstance($X, (list, tuple))",
    "$A[0] == $B",
    "not $X in $Y",
    "lambda: $X",
    "print($$$A, file=sys.stderr)",
    "time.sleep(0)",
    "super().__init__()",
    "self.assertTrue($$$A)",
    "os.path.join($A, $B)",
    "print($A)",
    "$X[1:]",
    "lambda: None",
    "if $X: return $Y",
];

/// The custom rules' prefilters hold the same promise as the built-in
/// rules': with the prefilter and skeletons, every file gives exactly the
/// findings a whole parse running every rule gives (a rule ruled out
/// wrongly, or a body blanked wrongly, loses one).
#[test]
fn custom_rules_ruled_out_by_their_prefilter_find_nothing() {
    let dir = common::temp_dir("prefilter-custom");
    for (index, pattern) in CUSTOM_PATTERNS.iter().enumerate() {
        let rule = format!(
            "id = \"pattern-{index}\"\ncode = \"CP{:03}\"\nmessage = \"found\"\npattern = '''{pattern}'''\n",
            index + 100
        );
        fs::write(dir.path().join(format!("p{index}.toml")), rule).unwrap();
    }
    let loaded = pyfix::config::codemods::load_rules(&[dir.path().to_path_buf()], dir.path())
        .expect("the patterns compile");
    let rules: Vec<&'static dyn Transform> =
        loaded.into_iter().map(pyfix::codemod::Rule::leak).collect();
    let registry = pyfix::rule::Registry::new(Box::leak(rules.clone().into_boxed_slice()));
    let settings = Settings::default();
    let paths = python_files(&stdlib());
    assert!(paths.len() > 1000, "expected the stdlib, found {} files", paths.len());
    let problems: Vec<String> = paths
        .par_iter()
        .filter_map(|path| {
            let source = fs::read_to_string(path).unwrap_or_default();
            let name =
                path.file_name().map(|name| name.to_string_lossy().to_string()).unwrap_or_default();
            let run = |prefilter| {
                let report = process_with(
                    &source,
                    &name,
                    registry.selection(&rules),
                    &settings,
                    None,
                    prefilter,
                );
                report.map(|report| {
                    report.findings.iter().map(|f| (f.line, f.code)).collect::<Vec<_>>()
                })
            };
            match (run(Prefilter::On), run(Prefilter::Off)) {
                (Ok(planned), Ok(whole)) if planned != whole => {
                    Some(format!("{}: {planned:?} instead of {whole:?}", path.display()))
                }
                _ => None,
            }
        })
        .collect();
    assert!(problems.is_empty(), "the prefilter lost findings:\n{}", problems.join("\n"));
}

/// Cases that cross each shortcut of the custom rules' line prefilter
/// (`Runs`): a pattern, more of its rule file, and a file holding a match.
/// With the prefilter and skeletons, each file must give the findings and
/// the fixes of a whole parse, and the whole parse must find something.
const LINE_CASES: &[(&str, &str, &str)] = &[
    // A dotted name reached through an import is not written as the
    // pattern writes it: renamed, parenthesized, imported in a function.
    ("self.assertEquals($$$A)", "", "import self as s\n\ndef f():\n    s.assertEquals(1, 2)\n"),
    (
        "self.assertEquals($$$A)",
        "",
        "from self import assertEquals as eq\n\nclass T:\n    def t(self):\n        eq(1, 2)\n",
    ),
    (
        "self.assertEquals($$$A)",
        "",
        "def f():\n    import self as s\n    s.assertEquals(1)\n\ndef g():\n    pass\n",
    ),
    ("os.popen($C).read()", "", "import os\n\ndef f(c):\n    return (os).popen(c).read()\n"),
    // A trailing comma a match skips, before `)` and before `:`.
    ("f(a)", "", "def g():\n    return f(a,)\n"),
    ("lambda a: a", "", "def g():\n    return lambda a,: a\n"),
    // A match inside an f-string's replacement field.
    ("type($A) == type($B)", "", "def f(a, b):\n    return f\"{type(a) == type(b)}\"\n"),
    // Matches at module level, in a class body and in a method.
    (
        "$X == None",
        "fix = \"$X is None\"\n",
        "x = y == None\n\nclass C:\n    z = x == None\n\n    def m(self):\n        return self == None\n\n    def n(self):\n        pass\n\ndef g():\n    pass\n",
    ),
    // A rule that removes an import reads every use of it: the function
    // that still uses `os` must not be blanked.
    (
        "os.popen($CMD).read()",
        "fix = \"subprocess.run($CMD, shell=True, capture_output=True, text=True).stdout\"\nadd-imports = [\"import subprocess\"]\nremove-imports = [\"import os\"]\n",
        "import os\n\nout = os.popen(\"ls\").read()\n\n\ndef cwd():\n    return os.getcwd()\n",
    ),
];

#[test]
fn custom_rules_line_prefilter_keeps_every_match() {
    let settings = Settings::default();
    for (index, (pattern, more, source)) in LINE_CASES.iter().enumerate() {
        let dir = common::temp_dir("prefilter-lines");
        let rule = format!(
            "id = \"line-{index}\"\ncode = \"CL{:03}\"\nmessage = \"found\"\npattern = '''{pattern}'''\n{more}",
            index + 100
        );
        fs::write(dir.path().join("rule.toml"), rule).unwrap();
        let loaded = pyfix::config::codemods::load_rules(&[dir.path().to_path_buf()], dir.path())
            .expect("the pattern compiles");
        let rules: Vec<&'static dyn Transform> =
            loaded.into_iter().map(pyfix::codemod::Rule::leak).collect();
        let registry = pyfix::rule::Registry::new(Box::leak(rules.clone().into_boxed_slice()));
        for apply in [None, Some(Applicability::Unsafe)] {
            let run = |prefilter| {
                process_with(
                    source,
                    "t.py",
                    registry.selection(&rules),
                    &settings,
                    apply,
                    prefilter,
                )
                .map(|report| {
                    let found: Vec<(usize, &str)> =
                        report.findings.iter().map(|f| (f.line, f.code)).collect();
                    (found, report.fixed, report.fixes)
                })
                .map_err(|err| err.to_string())
            };
            let whole = run(Prefilter::Off);
            if apply.is_none() {
                let found = whole.as_ref().map(|(found, _, _)| found.len()).unwrap_or(0);
                assert!(found > 0, "case {index} ({pattern}) finds nothing in a whole parse");
            }
            assert_eq!(run(Prefilter::On), whole, "case {index}: {pattern} in\n{source}");
        }
    }
}

/// The stdlib holds few findings of some rules (PF013 has none): each
/// rule's own fixtures, where it does find things, must pass its prefilter
/// too, and the prefilter must still rule out most of the stdlib.
#[test]
fn fork_with_threads_prefilter_keeps_its_fixtures_and_rules_out_most_files() {
    let rule = REGISTRY.find("PF013").expect("PF013 is registered");
    let settings = Settings::default();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fork_with_threads");
    let mut with_findings = 0;
    let mut misses = Vec::new();
    for path in python_files(&fixtures) {
        let source = fs::read_to_string(&path).expect("a fixture is text");
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = process_with(
            &source,
            &file_name,
            REGISTRY.selection(&[rule]),
            &settings,
            None,
            Prefilter::Off,
        )
        .expect("a fixture parses");
        if report.findings.is_empty() {
            continue;
        }
        with_findings += 1;
        let info = FileInfo { file_name: &file_name, settings: &settings };
        if !rule.may_match(&scan(source.as_bytes()), &info) {
            misses.push(file_name);
        }
    }
    assert!(with_findings >= 5, "expected fixtures with findings, found {with_findings}");
    assert!(misses.is_empty(), "the prefilter rules out fixtures with findings: {misses:?}");

    let paths = python_files(&stdlib());
    let kept = paths
        .iter()
        .filter(|path| {
            let source = fs::read(path).unwrap_or_default();
            let info = FileInfo { file_name: "module.py", settings: &settings };
            rule.may_match(&scan(&source), &info)
        })
        .count();
    eprintln!("PF013 prefilter keeps {kept} of {} stdlib files", paths.len());
    assert!(kept * 20 < paths.len(), "the prefilter keeps {kept} of {} stdlib files", paths.len());
}

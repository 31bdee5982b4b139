//! Property tests: Python modules generated around each rule's pattern, with
//! random indentation, comments, blank lines, line endings and nesting, and
//! arbitrary token soup. For every input, with all rules and unsafe fixes:
//! no panic and no broken fix; if CPython compiles the input it compiles
//! the output; a second run changes nothing; and every original line that
//! no fix's edit touches is in the output, byte for byte, in order.
//!
//! `PROPTEST_CASES=5000 cargo test --test properties` runs longer locally.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use pyfix::cli::verify::{Verdict, Verifier};
use pyfix::engine::{self, run_rules};
use pyfix::error::FileError;
use pyfix::rule::Applicability;
use pyfix::rule::settings::Settings;
use pyfix::syntax::module::Module;
use pyfix::transforms::REGISTRY;

/// One CPython for every case of the run.
fn python() -> &'static Verifier {
    static PYTHON: OnceLock<Verifier> = OnceLock::new();
    PYTHON.get_or_init(|| Verifier::start(Path::new("python3")).expect("the tests need python3"))
}

fn compiles(source: &str) -> bool {
    matches!(python().compile("case.py", source.as_bytes()), Ok(Verdict::Compiles))
}

/// Each rule's pattern, as lines; `>` at the start of a line is one more
/// level of indentation, rendered with the case's indent unit.
const PATTERNS: &[&str] = &[
    "def f(a, b=[], *, c={}):\n>return a, b, c",
    "def g(a: list = [], b: dict[str, int] = {}) -> None:\n>\"\"\"Doc.\"\"\"\n>print(a, b)",
    "@decorator\nasync def h(x=set(), /, y=list()):\n>return x",
    "handler = lambda event, seen=[]: seen.append(event)",
    "try:\n>work()\nexcept:\n>pass",
    "try:\n>work()\nexcept:\n>cleanup()\n>raise",
    "try:\n>work()\nexcept Exception:\n>pass",
    "try:\n>work()\nexcept (ValueError, OSError) as error:\n>logging.error(\"failed: %s\", error)",
    "for i in range(3):\n>callbacks.append(lambda *args, **kw: i)",
    "for key, value in items:\n>def show(prefix=''):\n>>return prefix + key + value\n>handlers.append(show)",
    "funcs = [lambda x: x + i for i in range(3)]",
    "class Resource:\n>def __init__(self, path):\n>>self.handle = open(path)\n>def __del__(self):\n>>self.handle.close()",
    "f = open(path)\ndata = f.read()\nf.close()",
    "x = 1",
    "if ready:\n>pass",
    "def quiet(path):\n>return path.strip()",
    "def one_line(path): f = open(path); f.read(); f.close()",
    "import os; from collections import deque as D\ndef make(q=D()):\n>return q",
    "for sfx in names:\n>callbacks.append(lambda i: f\"{i}_{sfx}\")",
    "import time\nasync def poll(job):\n>while not job.done():\n>>time.sleep(0.5)  # wait",
    "if a + b == 0.3 and (x * 0.1 != y):\n>done = total - 1.1 != limit",
    "import pdb; pdb.set_trace()",
    "if step == 3:\n>breakpoint()",
    "try:\n>work()\nexcept OSError:\n>import pdb\n>pdb.post_mortem()",
    "import unittest\nfrom unittest import mock\nclass T(unittest.TestCase):\n>def setUp(self):\n>>self.m = mock.patch('os.getpid').start()  # note\n>>p = mock.patch(\n>>>'os.getcwd')\n>>p.start()",
    // PF010: `asyncio.run()` in a coroutine becomes `await`, in parentheses
    // before `.`; through an alias, in a one-line `if` and a comprehension.
    "import asyncio\nasync def refresh(client):\n>token = asyncio.run(client.token())  # why\n>return asyncio.run(client.get(token)).json()",
    "from asyncio import run as start\nasync def step(job):\n>if job: await start(job.next())\n>return [start(job.part(i)) for i in range(2)]",
    // PF013: a process pool made while a thread runs gets a spawn context;
    // a multi-line executor gets `mp_context=` (and `import multiprocessing`).
    "import multiprocessing\nimport threading\ndef crunch(n):\n>return n * n\ndef run_all():\n>threading.Thread(target=print, daemon=True).start()\n>with multiprocessing.Pool(2) as pool:\n>>pool.map(crunch, [1, 2])",
    "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef crunch(n):\n>return n\ndef fan_out():\n>with ThreadPoolExecutor() as threads:\n>>threads.submit(print)\n>>with ProcessPoolExecutor(\n>>>max_workers=2,  # two\n>>) as procs:\n>>>procs.map(crunch, [1])",
];

/// Lines that make a module a CLI with a heavy import (PF005), at top level.
const CLI_HEAD: &str = "import argparse\nimport json as j\n";
const CLI_TAIL: &str = "def main():\n>return j.dumps(argparse.ArgumentParser().parse_args().__dict__)\nif __name__ == \"__main__\":\n>main()";

/// Blocks a pattern may be nested in.
const WRAPPERS: &[&str] = &[
    "if flag:",
    "for item in things:",
    "while running:",
    "class Holder:",
    "def outer():",
    "with context() as c:",
];

#[derive(Debug, Clone)]
struct Case {
    indent: &'static str,
    newline: &'static str,
    bom: bool,
    cli: bool,
    /// (pattern, nesting wrappers, comment after the first line, blank lines after)
    blocks: Vec<(usize, Vec<usize>, bool, usize)>,
}

fn case() -> impl Strategy<Value = Case> {
    let block = (
        0..PATTERNS.len(),
        prop::collection::vec(0..WRAPPERS.len(), 0..3),
        any::<bool>(),
        0usize..3,
    );
    (
        prop::sample::select(vec!["    ", "  ", "\t", "        ", " \t"]),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(block, 1..6),
    )
        .prop_map(|(indent, newline, bom, cli, blocks)| Case {
            indent,
            newline,
            bom,
            cli,
            blocks,
        })
}

fn render_lines(text: &str, depth: usize, indent: &str, comment: bool, out: &mut Vec<String>) {
    for (number, line) in text.lines().enumerate() {
        let extra = line.chars().take_while(|c| *c == '>').count();
        let mut rendered = indent.repeat(depth + extra) + &line[extra..];
        if comment && number == 0 {
            rendered.push_str("  # a comment, [ ( {");
        }
        out.push(rendered);
    }
}

fn render(case: &Case) -> String {
    // `logging` is imported up front: a fix that adds the import would
    // otherwise give PF006 a new finding in a later pass, which the check
    // of untouched lines (from the first pass's edits) cannot foresee.
    let mut lines = vec!["import logging".to_string()];
    if case.cli {
        render_lines(CLI_HEAD, 0, case.indent, false, &mut lines);
    }
    for (pattern, wrappers, comment, blanks) in &case.blocks {
        for (depth, wrapper) in wrappers.iter().enumerate() {
            render_lines(WRAPPERS[*wrapper], depth, case.indent, false, &mut lines);
        }
        if *comment {
            lines.push(format!("{}# about the next lines", case.indent.repeat(wrappers.len())));
        }
        render_lines(PATTERNS[*pattern], wrappers.len(), case.indent, *comment, &mut lines);
        lines.extend(std::iter::repeat_n(String::new(), *blanks));
    }
    if case.cli {
        render_lines(CLI_TAIL, 0, case.indent, false, &mut lines);
    }
    let mut text = if case.bom { "\u{feff}".to_string() } else { String::new() };
    for line in lines {
        text.push_str(&line);
        text.push_str(case.newline);
    }
    text
}

fn settings() -> Settings {
    let mut settings = Settings::default();
    settings.heavy_modules.push("json".to_string());
    settings
}

/// The line segments (each with its line ending) of `source`.
fn segments(source: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = source.as_bytes();
    for (at, byte) in bytes.iter().enumerate() {
        let ends = *byte == b'\n' || (*byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
        if ends {
            out.push((start, &source[start..=at]));
            start = at + 1;
        }
    }
    if start < source.len() {
        out.push((start, &source[start..]));
    }
    out
}

/// Checks one input against every property; returns a description of the
/// first one broken.
fn check(source: &str) -> Result<(), String> {
    let settings = settings();
    same_as_whole_parses(source, &settings)?;
    let report = match engine::process(
        source,
        "case.py",
        REGISTRY.select_all(),
        &settings,
        Some(Applicability::Unsafe),
    ) {
        Ok(report) => report,
        Err(FileError::Internal(message)) => return Err(format!("internal error: {message}")),
        Err(_) => return Ok(()), // A syntax error or Python 2: skipped, which is right.
    };
    let Some(fixed) = report.fixed else { return Ok(()) };
    if compiles(source) && !compiles(&fixed) {
        return Err(format!("the fixed text does not compile:\n{fixed}"));
    }
    let again = engine::process(
        &fixed,
        "case.py",
        REGISTRY.select_all(),
        &settings,
        Some(Applicability::Unsafe),
    )
    .map_err(|err| format!("second run: {err}"))?;
    if let Some(twice) = again.fixed {
        return Err(format!("not idempotent: first\n{fixed}\nthen\n{twice}"));
    }
    untouched_lines_kept(source, &fixed, &settings)
}

/// The prefilter and the skeletons change nothing pyfix says, fixing or
/// not (a syntax error in a body no rule needs may go unseen when nothing
/// is fixed).
fn same_as_whole_parses(source: &str, settings: &Settings) -> Result<(), String> {
    match [None, Some(Applicability::Unsafe)]
        .into_iter()
        .find_map(|apply| common::skeletons_differ(source, "case.py", settings, apply))
    {
        Some(difference) => Err(difference),
        None => Ok(()),
    }
}

/// Every line of `source` that no edit of any fix overlaps (an insertion
/// touches the line it lands on) is in `fixed`, unchanged and in order.
fn untouched_lines_kept(source: &str, fixed: &str, settings: &Settings) -> Result<(), String> {
    // As the engine does: a file whose lines end in bare CRs is parsed with
    // LFs in their place (same length, so the edit ranges hold).
    let parsed =
        if source.contains('\n') { source.to_string() } else { source.replace('\r', "\n") };
    let module = Module::parse(&parsed, "case.py").map_err(|err| err.to_string())?;
    let edits: Vec<std::ops::Range<usize>> = run_rules(&module, REGISTRY.select_all(), settings)
        .into_iter()
        .filter_map(|diagnostic| diagnostic.fix)
        .flat_map(|fix| fix.edits)
        .map(|edit| edit.range)
        .collect();
    let mut rest = fixed;
    for (start, line) in segments(source) {
        let end = start + line.len();
        let touched = edits.iter().any(|edit| edit.start <= end && start <= edit.end);
        if touched {
            continue;
        }
        match rest.find(line) {
            Some(at) => rest = &rest[at + line.len()..],
            None => {
                return Err(format!(
                    "untouched line {line:?} (at byte {start}) is gone or reordered:\n{fixed}"
                ));
            }
        }
    }
    Ok(())
}

/// Fragments of Python for token soup: keywords, brackets, quotes, line
/// breaks and indentation in any order.
const TOKENS: &[&str] = &[
    "def ",
    "class ",
    "lambda",
    ":",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "=",
    "[]",
    "{}",
    ",",
    "*",
    "**",
    "/",
    "\"",
    "'",
    "\"\"\"",
    "#",
    "\n",
    "\r\n",
    "\r",
    "    ",
    "\t",
    "\x0c",
    "\\\n",
    "try:",
    "except",
    "except:",
    "finally:",
    "for ",
    " in ",
    "if ",
    "else:",
    "with ",
    "open(",
    ".close()",
    "__del__",
    "__main__",
    "import ",
    "from ",
    "pass",
    "return",
    "yield",
    "await ",
    "async ",
    "logging.error(",
    "x",
    "i",
    "self",
    "@",
    "->",
    ";",
    "f\"{",
    "0",
    "\u{feff}",
    "é",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/properties.proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_modules_keep_every_property(case in case()) {
        let source = render(&case);
        if let Err(problem) = check(&source) {
            panic!("{problem}\n--- input ---\n{source}");
        }
    }

    #[test]
    fn token_soup_never_breaks_anything(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..80)) {
        let source = tokens.concat();
        if let Err(problem) = check(&source) {
            panic!("{problem}\n--- input ---\n{source:?}");
        }
    }

    #[test]
    fn arbitrary_text_never_panics(source in ".{0,400}") {
        if let Err(problem) = check(&source) {
            panic!("{problem}\n--- input ---\n{source:?}");
        }
    }
}

/// A snippet the rule it was written for does not fix tests nothing: each
/// of these, alone in a CLI module (whose `__main__` guard PF013's fix
/// needs), is fixed by its rule.
#[test]
fn rule_snippets_are_fixed_by_their_rule() {
    let snippets = [
        ("PF010", "async def refresh"),
        ("PF010", "async def step"),
        ("PF013", "def run_all"),
        ("PF013", "def fan_out"),
    ];
    for (code, marker) in snippets {
        let pattern = PATTERNS.iter().position(|p| p.contains(marker)).expect("a snippet");
        let case = Case {
            indent: "    ",
            newline: "\n",
            bom: false,
            cli: true,
            blocks: vec![(pattern, Vec::new(), false, 0)],
        };
        let source = render(&case);
        let report = engine::process(
            &source,
            "case.py",
            REGISTRY.select_all(),
            &settings(),
            Some(Applicability::Unsafe),
        )
        .unwrap_or_else(|err| panic!("{marker}: {err}"));
        assert!(report.fixes.contains_key(code), "{code} does not fix this snippet:\n{source}");
    }
}

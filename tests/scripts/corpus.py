#!/usr/bin/env python3
"""Reliability harness: pyfix --write --unsafe-fixes over real code, checked file by file.

Usage: python3 tests/scripts/corpus.py [--projects a,b] [--no-stdlib] [--jobs N] [--keep]
       python3 tests/scripts/corpus.py --fetch-only    # fetch/unpack, print the source dir

The corpus is this machine's CPython standard library plus the pinned PyPI
source distributions below, fetched with `pip download` (so pip's configured
index, proxy and certificates apply; see pypi.py) and checked against their
sha256 (downloads cached in target/corpus/downloads, or $PYFIX_CORPUS_CACHE;
pristine sources unpacked in target/corpus/src). pyfix
runs on a copy, and the harness checks, for every file:

- compiles: a file CPython compiled before still compiles after;
- idempotent: a second `--write` changes nothing and does not exit with 2;
- errors: every error pyfix prints names a file CPython rejects too (Python 2
  files, bad-syntax test data), so exit status 2 is explained by those only;
- untouched: no file without a reported fix changed (bytes or mtime);
- exact: the report and the diff equal those of `--no-prefilter`, which
  parses every file whole (no prefilter, no skeletons), except that a file
  the whole parse rejects may still have findings in the report;
- ast: in a changed file, every module-level statement that no reported fix
  touched has the same CPython AST as before, in the same order; inside a
  touched class, the same holds for its untouched statements.

"Touched" means: a statement whose lines overlap a finding's range or one of
its fix's edits, as reported by `--output-format json` on the original. The
fix loop may apply a fix in a later pass (when it overlapped another), but
every fix applied is reported on the original first, so the report covers
every edit; a change outside it is exactly what this check exists to catch.

It prints a table (files, compiled before, files fixed, fixes per rule,
failures, time per phase) and exits 1 when anything failed, listing each
failure as `file: check: detail`. 0 failures is the only acceptable result.
"""

import argparse
import ast
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pypi  # noqa: E402
from pypi import Sdist  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "target" / "corpus"
SOURCES = CORPUS / "src"

# Varied on purpose: web frameworks, science, an ORM, async networking,
# packaging, configuration management, plotting, an asyncio HTTP stack and a
# task queue (coroutines, threads and processes for the async and
# multiprocessing rules). Pinned by exact version and
# by the sha256 of the sdist (what PyPI publishes for the file).
PROJECTS = [
    Sdist("Django", "5.1.4", "de450c09e91879fa5a307f696e57c851955c910a438a35e6b4c895e86bedc82a"),
    Sdist("sympy", "1.13.3", "b27fd2c6530e0ab39e275fc9b683895367e51d5da91baa8d3d64db2565fec4d9"),
    Sdist("pandas", "2.2.3", "4f18ba62b61d7e192368b84517265a99b4d7ee8912f8708660fb4a366cc82667"),
    Sdist("numpy", "2.1.3", "aa08e04e08aaf974d4458def539dece0d28146d866a39da5639596f4921fd761"),
    Sdist("scipy", "1.14.1", "5a275584e726026a5699459aa72f828a610821006228e841b94275c4a7c08417"),
    Sdist("SQLAlchemy", "2.0.36", "7f2767680b6d2398aea7082e45a774b2b0767b5c8d8ffb9c8b683088ea9b29c5"),
    Sdist("Twisted", "24.11.0", "695d0556d5ec579dcc464d2856b634880ed1319f45b10d19043f2b57eb0115b5"),
    Sdist("pip", "24.3.1", "ebcb60557f2aefabc2e0f918751cd24ea0d56d8ec5445fe1807f1d2109660b99"),
    Sdist("setuptools", "75.6.0", "8199222558df7c86216af4f84c30e9b34a61d8ba19366cc914424cdbd28252f6"),
    Sdist("tornado", "6.4.2", "92bad5b4746e9879fd7bf1eb21dce4e3fc5128d71601f80005afa39237ad620b"),
    Sdist("ansible-core", "2.17.7", "3aaab735d6c4e2d6239bc326800dc0ecda2a1490caa8455b41084ec0bc54dacf"),
    Sdist("matplotlib", "3.9.3", "cd5dbbc8e25cad5f706845c4d100e2c8b34691b412b93717ce38d8ae803bcfa5"),
    Sdist("aiohttp", "3.11.9", "a9266644064779840feec0e34f10a89b3ff1d2d6b751fe90017abcad1864fa7c"),
    Sdist("httpx", "0.28.1", "75e98c5f16b0f35b567856f597f06ff2270a374470a5c2392242528e3e3e42fc"),
    Sdist("celery", "5.4.0", "504a19140e8d3029d5acad88330c541d4c3f64c789d85f94756762d8bca7e706"),
]


# Files CPython compiles but tree-sitter-python cannot parse. pyfix skips
# them with a syntax error (safe: nothing is written), which the harness
# accepts only for the files listed here, each with the construct at fault.
KNOWN_PARSER_GAPS = {
    "stdlib/test/test_compile.py": "a continuation line inside brackets dedented below its block",
}


def downloads() -> Path:
    return Path(os.environ.get("PYFIX_CORPUS_CACHE", CORPUS / "downloads"))


def pristine(sdist: Sdist) -> Path:
    """The unpacked sources of one project, fetched on first use."""
    target = SOURCES / f"{sdist.name}-{sdist.version}"
    marker = target / ".unpacked"
    if not marker.exists():
        pypi.fetch(sdist, downloads(), target)
        marker.touch()
    return target


def stdlib() -> Path:
    return Path(sysconfig.get_path("stdlib"))


def copy_tree(source: Path, target: Path) -> None:
    ignore = shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc", ".unpacked")
    shutil.copytree(source, target, ignore=ignore, symlinks=True)


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".py", ".pyi") and p.is_file() and not p.is_symlink())


def compiles(path: str) -> bool:
    """Whether CPython compiles the file's bytes (cookie and BOM honoured)."""
    try:
        data = Path(path).read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, UnicodeDecodeError, OverflowError, MemoryError, RecursionError):
        return False


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def run_pyfix(binary: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), "--no-cache", *args], cwd=cwd, capture_output=True, text=True)


def touched_lines(findings: list[dict]) -> dict[str, list[tuple[int, int]]]:
    """Per file, the line ranges (1-based, inclusive) that a reported fix covers."""
    touched: dict[str, list[tuple[int, int]]] = {}
    for finding in findings:
        if not finding.get("fix"):
            continue
        spans = touched.setdefault(finding["filename"], [])
        spans.append((finding["location"]["row"], finding["end_location"]["row"]))
        for edit in finding["fix"]["edits"]:
            spans.append((edit["location"]["row"], edit["end_location"]["row"]))
    return touched


def findings_by_file(json_report: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for finding in json.loads(json_report or "[]"):
        grouped.setdefault(finding["filename"], []).append(finding)
    return grouped


def overlaps(node: ast.stmt, spans: list[tuple[int, int]]) -> bool:
    # Decorators belong to the statement; an edit on the line after the last
    # one (an insertion at its end) touches it too.
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    last = (node.end_lineno or node.lineno) + 1
    return any(start <= last and first <= end for start, end in spans)


def untouched_statements_kept(before: list[ast.stmt], after: list[ast.stmt], spans) -> str | None:
    """None when every untouched statement of `before` is in `after`, in order."""
    dumps_after = [ast.dump(node) for node in after]
    classes_after = {node.name: node for node in after if isinstance(node, ast.ClassDef)}
    position = 0
    for node in before:
        if overlaps(node, spans):
            if isinstance(node, ast.ClassDef) and node.name in classes_after:
                problem = untouched_statements_kept(node.body, classes_after[node.name].body, spans)
                if problem:
                    return f"in class {node.name}: {problem}"
            continue
        wanted = ast.dump(node)
        while position < len(dumps_after) and dumps_after[position] != wanted:
            position += 1
        if position == len(dumps_after):
            return f"statement at line {node.lineno} changed or moved"
        position += 1
    return None


def check_ast(original: bytes, fixed: bytes, spans) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before, after = ast.parse(original), ast.parse(fixed)
    return untouched_statements_kept(before.body, after.body, spans)


class Harness:
    def __init__(self, args: argparse.Namespace, work: Path, binary: Path):
        self.args, self.work, self.binary = args, work, binary
        self.failures: list[str] = []
        self.times: dict[str, float] = {}

    def fail(self, path: Path | str, check: str, detail: str) -> None:
        self.failures.append(f"{path}: {check}: {detail}")

    def timed(self, phase: str, action):
        start = time.perf_counter()
        result = action()
        self.times[phase] = time.perf_counter() - start
        return result

    def run(self) -> int:
        args = self.args
        files = self.timed("copy", self.copy_corpus)
        rel = [str(p.relative_to(self.work)) for p in files]
        with multiprocessing.Pool(args.jobs) as pool:
            compiled_before = dict(zip(rel, self.timed("compile before", lambda: pool.map(compiles, [str(self.work / p) for p in rel], 64))))
        before = {p: snapshot(self.work / p) for p in rel}

        report = self.timed("report", lambda: run_pyfix(self.binary, ["--unsafe-fixes", "--output-format", "json", "."], self.work))
        findings = json.loads(report.stdout or "[]")
        touched = touched_lines(findings)
        fixes = Counter(f["code"] for f in findings if f.get("fix") and f["fix"]["applicability"] != "display-only")
        self.timed("exact", lambda: self.check_exact(report))

        first = self.timed("write", lambda: run_pyfix(self.binary, ["--write", "--unsafe-fixes", "."], self.work))
        self.check_errors(first.stderr, compiled_before, "first run")
        changed = [p for p in rel if snapshot(self.work / p) != before[p]]

        with multiprocessing.Pool(args.jobs) as pool:
            compiled_after = dict(zip(changed, self.timed("compile after", lambda: pool.map(compiles, [str(self.work / p) for p in changed], 16))))
        self.timed("ast", lambda: self.check_changed(changed, compiled_before, compiled_after, touched))

        after = {p: snapshot(self.work / p) for p in changed}
        second = self.timed("second run", lambda: run_pyfix(self.binary, ["--write", "--unsafe-fixes", "."], self.work))
        self.check_errors(second.stderr, compiled_before, "second run")
        if second.returncode == 2 and not self.errors_explained(second.stderr, compiled_before):
            self.fail(".", "idempotent", "second run exited with 2")
        for p in rel:
            if snapshot(self.work / p) != (after.get(p) or before[p]):
                self.fail(p, "idempotent", "the second run changed it")

        self.print_table(len(rel), sum(compiled_before.values()), len(changed), fixes, first)
        return 1 if self.failures else 0

    def copy_corpus(self) -> list[Path]:
        roots = [] if self.args.no_stdlib else [("stdlib", stdlib())]
        wanted = set(self.args.projects.split(",")) if self.args.projects else None
        for sdist in PROJECTS:
            if wanted is None or sdist.name in wanted:
                roots.append((f"{sdist.name}-{sdist.version}", pristine(sdist)))
        for label, source in roots:
            copy_tree(source, self.work / label)
        return python_files(self.work)

    def check_exact(self, report: subprocess.CompletedProcess) -> None:
        """Skipping files and blanking bodies must change nothing pyfix says."""
        whole = run_pyfix(self.binary, ["--no-prefilter", "--unsafe-fixes", "--output-format", "json", "."], self.work)
        rejected = {line.split(": error: ", 1)[0] for line in whole.stderr.splitlines() if ": error: " in line}
        fast, slow = findings_by_file(report.stdout), findings_by_file(whole.stdout)
        for name in sorted(set(fast) | set(slow)):
            if name not in rejected and fast.get(name) != slow.get(name):
                self.fail(name, "exact", "findings differ from --no-prefilter")
        diffs = [run_pyfix(self.binary, [*extra, "--diff", "--unsafe-fixes", "."], self.work) for extra in ([], ["--no-prefilter"])]
        if diffs[0].stdout != diffs[1].stdout:
            self.fail(".", "exact", "--diff output differs from --diff --no-prefilter")

    def original(self, rel: str) -> bytes:
        label, _, inner = rel.partition("/")
        if label == "stdlib":
            return (stdlib() / inner).read_bytes()
        return (SOURCES / label / inner).read_bytes()

    def check_changed(self, changed, compiled_before, compiled_after, touched) -> None:
        for p in changed:
            # Findings are reported relative to the working directory (the copy).
            spans = touched.get(p) or touched.get(f"./{p}")
            if not spans:
                self.fail(p, "untouched", "modified without a reported fix")
                continue
            if compiled_before[p] and not compiled_after[p]:
                self.fail(p, "compiles", "compiled before the fix, not after")
                continue
            if compiled_before[p]:
                problem = check_ast(self.original(p), (self.work / p).read_bytes(), spans)
                if problem:
                    self.fail(p, "ast", problem)

    def errors_explained(self, stderr: str, compiled_before: dict[str, bool]) -> bool:
        return all(self.error_explained(line, compiled_before) for line in stderr.splitlines() if ": error: " in line)

    @staticmethod
    def error_explained(line: str, compiled_before: dict[str, bool]) -> bool:
        path = line.split(": error: ", 1)[0].removeprefix("./")
        known_gap = path in KNOWN_PARSER_GAPS and ": error: syntax error" in line
        return compiled_before.get(path) is False or known_gap

    def check_errors(self, stderr: str, compiled_before: dict[str, bool], run: str) -> None:
        for line in stderr.splitlines():
            if ": error: " in line and not self.error_explained(line, compiled_before):
                self.fail(line.split(": error: ", 1)[0], "errors", f"{run}: {line}")
            elif line.startswith("pyfix: error") or "panicked" in line:
                self.fail("-", "errors", f"{run}: {line}")

    def print_table(self, files: int, compiled: int, fixed_files: int, fixes: Counter, first) -> None:
        errors = [line.split(": error: ", 1)[0].removeprefix("./") for line in first.stderr.splitlines() if ": error: " in line]
        gaps = sum(path in KNOWN_PARSER_GAPS for path in errors)
        rows = [
            ("files", files),
            ("compiled by CPython before", compiled),
            ("skipped by pyfix (CPython rejects them too)", len(errors) - gaps),
            ("skipped by pyfix (known tree-sitter gaps)", gaps),
            ("files fixed", fixed_files),
        ]
        rows += [(f"fixes {code}", count) for code, count in sorted(fixes.items())]
        rows += [("fixes in all", sum(fixes.values())), ("failures", len(self.failures))]
        rows += [(f"time {phase} (s)", f"{seconds:.1f}") for phase, seconds in self.times.items()]
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            print(f"{label:<{width}}  {value:>8}")
        for failure in self.failures:
            print(f"FAIL {failure}")


def pyfix_binary() -> Path:
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "pyfix"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", help="comma-separated subset of the pinned projects")
    parser.add_argument("--no-stdlib", action="store_true", help="leave the standard library out")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="keep the work copy and print where it is")
    parser.add_argument("--fetch-only", action="store_true", help="fetch and unpack, print the source dir")
    args = parser.parse_args()
    if args.fetch_only:
        for sdist in PROJECTS:
            pristine(sdist)
        print(SOURCES)
        return 0
    binary = pyfix_binary()
    work = Path(tempfile.mkdtemp(prefix="pyfix-corpus-"))
    try:
        return Harness(args, work, binary).run()
    finally:
        if args.keep:
            print(f"work copy kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

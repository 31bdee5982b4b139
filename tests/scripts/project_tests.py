#!/usr/bin/env python3
"""Fixed code still passes its own tests: real projects' suites before and after pyfix.

Usage: python3 tests/scripts/project_tests.py [--projects tornado,docutils]

For each pinned project (a PyPI sdist whose test suite runs offline with the
standard library alone), the suite runs three times, on copies of the
pristine source: as released; after `pyfix --write` (safe fixes only); and
after `pyfix --write --unsafe-fixes`. For each run it prints pyfix's fixes
per rule, the suite's passed/failed/errored/skipped counts, and every test
whose outcome differs from the pristine run.

A safe fix must never change a test's outcome: any change in the "safe" run
makes the script exit 1. Changes in the "unsafe" run are the evidence for
the rules' unsafe labels; the script prints them for the closing note.
Not run in CI (it runs whole test suites); sdists are fetched with pip and
cached like the reliability harness's (target/corpus/downloads).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
from pypi import Sdist  # noqa: E402

TORNADO = next(sdist for sdist in corpus.PROJECTS if sdist.name == "tornado")
DOCUTILS = Sdist("docutils", "0.21.2", "3a6b18732edf182daa3cd12775bbb338cf5691468f91eeeb109deff6ebfa986f")

# name: pinned sdist, test command (run from the project root), timeout seconds.
PROJECTS = {
    "tornado": (TORNADO, [sys.executable, "-m", "tornado.test.runtests", "--verbose"], 900),
    "docutils": (DOCUTILS, [sys.executable, "-m", "unittest", "discover", "-s", "test", "-v"], 900),
}

OUTCOMES = r"ok|FAIL|ERROR|skipped.*|expected failure|unexpected success"
STARTED = re.compile(r"^(?P<test>\S.*?) \.\.\. (?P<rest>.*)$")
OUTCOME = re.compile(rf"^(?P<outcome>{OUTCOMES})$")
FAILED_SUBTEST = re.compile(r"^(?P<outcome>FAIL|ERROR): (?P<test>.+)$")


def outcomes(output: str) -> dict[str, str]:
    """Test id -> outcome, from unittest's verbose output. A test's log
    output (an added `logging.exception`, say) can come between its
    `name ... ` and its outcome, which then stands on a line of its own."""
    found: dict[str, str] = {}
    pending = None
    for line in output.splitlines():
        started = STARTED.match(line)
        if started:
            pending = started["test"]
            line = started["rest"]
        outcome = OUTCOME.match(line)
        if outcome and pending:
            found[pending] = "skipped" if outcome["outcome"].startswith("skipped") else outcome["outcome"]
            pending = None
        failed = FAILED_SUBTEST.match(line)
        if failed:
            # A failed subtest is reported after the run; it decides the outcome.
            found[failed["test"]] = failed["outcome"]
    return found


def run_suite(root: Path, command: list[str], timeout: int) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    return outcomes(done.stdout + "\n" + done.stderr)


def pyfix_fixes(binary: Path, root: Path, unsafe: bool) -> Counter:
    """Applies pyfix's fixes in place; returns how many per rule."""
    flags = ["--unsafe-fixes"] if unsafe else []
    # Fixes per rule come from the json report on the original.
    report = subprocess.run([str(binary), "--no-cache", "--output-format", "json", *flags, "."], cwd=root, capture_output=True, text=True)
    wanted = {"safe", "unsafe"} if unsafe else {"safe"}
    counts = Counter(
        finding["code"]
        for finding in json.loads(report.stdout or "[]")
        if finding.get("fix") and finding["fix"]["applicability"] in wanted
    )
    subprocess.run([str(binary), "--no-cache", "--write", *flags, "."], cwd=root, capture_output=True, check=False)
    return counts


def summary(results: dict[str, str]) -> str:
    counts = Counter(results.values())
    return ", ".join(f"{counts[o]} {o}" for o in ("ok", "FAIL", "ERROR", "skipped") if counts[o]) or "no tests found"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default=",".join(PROJECTS))
    args = parser.parse_args()
    binary = corpus.pyfix_binary()
    status = 0
    for name in args.projects.split(","):
        sdist, command, timeout = PROJECTS[name]
        pristine = corpus.pristine(sdist)
        print(f"== {name} {sdist.version}")
        runs = {}
        for label, unsafe in (("pristine", None), ("safe", False), ("unsafe", True)):
            work = Path(tempfile.mkdtemp(prefix=f"pyfix-{name}-"))
            try:
                corpus.copy_tree(pristine, work / "src")
                root = next(p for p in (work / "src").iterdir() if p.is_dir())
                fixes = pyfix_fixes(binary, root, unsafe) if unsafe is not None else Counter()
                runs[label] = run_suite(root, command, timeout)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            fixes_text = ", ".join(f"{code}: {n}" for code, n in sorted(fixes.items())) or "none"
            print(f"{label:>8}: fixes {fixes_text}; tests {summary(runs[label])}")
            if label == "pristine":
                continue
            changed = sorted(t for t in set(runs["pristine"]) | set(runs[label]) if runs["pristine"].get(t) != runs[label].get(t))
            for test in changed:
                print(f"          changed: {test}: {runs['pristine'].get(test, 'absent')} -> {runs[label].get(test, 'absent')}")
            if label == "safe" and changed:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

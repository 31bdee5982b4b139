#!/usr/bin/env python3
"""Times pyfix against ruff on the same tree, in one session, alternating.

Usage: python3 tests/scripts/bench.py [--runs N] [--rules ruff-codes] [DIR ...]

With no DIR, a copy of the CPython standard library on this machine is used.
pyfix is built in release mode; ruff comes from PyPI into a venv under
target/bench (pinned below). For each tool the median wall time, CPU time
(user + system) and peak RSS over the runs are printed, with pyfix/ruff ratios.
Not run in CI: timings need a quiet machine.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "target" / "bench"
RUFF_VERSION = "0.17.6"
# ruff's rules for what pyfix fixes: B006 mutable defaults, E722 bare except,
# B023 late binding, S110 try-except-pass, TRY400 error instead of exception,
# SIM115 open without a context manager, ASYNC251 blocking sleep in async.
ALL_RUFF_RULES = "B006,E722,B023,S110,TRY400,SIM115,ASYNC251"


def ruff_binary() -> Path:
    venv = BENCH / f"ruff-{RUFF_VERSION}"
    ruff = venv / "bin" / "ruff"
    if not ruff.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"ruff=={RUFF_VERSION}"], check=True)
    return ruff


def pyfix_binary() -> Path:
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    return ROOT / "target" / "release" / "pyfix"


def stdlib_copy() -> Path:
    target = BENCH / "stdlib"
    if not target.exists():
        source = Path(sysconfig.get_path("stdlib"))
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"))
    return target


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        raise SystemExit(f"{command[0]} exited with {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rules", default=ALL_RUFF_RULES, help="ruff rule codes to compare against")
    parser.add_argument("--pyfix-args", default="", help="extra pyfix arguments, e.g. '--select PF001'")
    args = parser.parse_args()

    dirs = [d.resolve() for d in args.dirs] or [stdlib_copy()]
    ruff, pyfix = ruff_binary(), pyfix_binary()
    files = sum(1 for d in dirs for _ in d.rglob("*.py"))
    size = sum(p.stat().st_size for d in dirs for p in d.rglob("*.py"))
    print(f"corpus: {', '.join(map(str, dirs))}: {files} files, {size / 1e6:.1f} MB; {args.runs} runs each")

    commands = {
        "pyfix": [str(pyfix), "--diff", "--unsafe-fixes", *args.pyfix_args.split(), *map(str, dirs)],
        "ruff": [str(ruff), "check", "--isolated", "--no-cache", "--diff", "--unsafe-fixes",
                 "--select", args.rules, *map(str, dirs)],
    }
    results = {name: [] for name in commands}
    for name, command in commands.items():  # warm the page cache once
        measure(command, ROOT)
    for _ in range(args.runs):
        for name, command in commands.items():
            results[name].append(measure(command, ROOT))

    medians = {}
    print(f"{'tool':<8}{'wall s':>10}{'cpu s':>10}{'peak MB':>10}")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs) / 1024
        medians[name] = (wall, cpu, rss)
        print(f"{name:<8}{wall:>10.3f}{cpu:>10.3f}{rss:>10.1f}")
    p, r = medians["pyfix"], medians["ruff"]
    print(f"{'ratio':<8}{p[0] / r[0]:>10.2f}{p[1] / r[1]:>10.2f}{p[2] / r[2]:>10.2f}   (pyfix / ruff)")


if __name__ == "__main__":
    main()

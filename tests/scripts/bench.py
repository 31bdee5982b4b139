#!/usr/bin/env python3
"""Times pyfix against ruff on the same tree, in one session, alternating.

Usage: python3 tests/scripts/bench.py [--corpus] [--scaling] [--big-file] [--budget] [--linearity] [--monorepo N] [--runs N] [DIR ...]

With no DIR, a copy of the CPython standard library on this machine is used;
`--corpus` adds the reliability harness's pinned projects. Printed: pyfix
uncached and cached (a second run over the unchanged tree) against ruff
uncached; the read-only and parse-only floors (`cargo bench --bench
hot_paths`); with `--scaling`, 1/4, 1/2 and all of the files on one and
two threads; with `--big-file`, one generated 20 MB file; `--budget` alone
prints, per rule run alone, what it makes the engine parse and what its
check costs (from the engine's PYFIX_PROFILE totals); `--linearity` alone
times one generated file of N, 2N, 4N and 8N functions, each with findings
of several rules, checked and fixed, and prints the ratio at each doubling
(about 2 when time is linear in the file's size and findings, 4 when
quadratic); `--monorepo N` alone times a run over N generated small
modules with and without the rules that read the project index, and prints
what the index adds.
pyfix is built in release mode; ruff comes from PyPI into a venv under
target/bench (pinned below). For each tool the median wall time, CPU time
(user + system) and peak RSS over the runs are printed, with pyfix/ruff ratios.
Not run in CI: timings need a quiet machine.
"""

import argparse
import json
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
# SIM115 open without a context manager, ASYNC210/220/221/250/251 blocking
# calls in async functions, T100 debugger calls. (Float equality is only a
# preview rule in ruff, and leaking patchers have none.)
ALL_RUFF_RULES = "B006,E722,B023,S110,TRY400,SIM115,ASYNC210,ASYNC220,ASYNC221,ASYNC250,ASYNC251,T100"


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


def measure(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of one run of `command`."""
    start = time.perf_counter()
    environment = dict(os.environ, **(env or {}))
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        raise SystemExit(f"{command[0]} exited with {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def corpus_dirs() -> list[Path]:
    """The reliability harness's pinned projects (fetched on first use)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus

    return [corpus.pristine(sdist) for sdist in corpus.PROJECTS]


def python_files(dirs: list[Path]) -> list[Path]:
    return sorted(p for d in dirs for p in d.rglob("*.py") if p.is_file() and "site-packages" not in p.parts)


def subset_tree(files: list[Path], fraction: float) -> Path:
    """Every 1/fraction-th file, hard-linked into a tree of its own."""
    target = BENCH / f"subset-{fraction:g}"
    if target.exists():
        shutil.rmtree(target)
    step = round(1 / fraction)
    for index, path in enumerate(files[::step]):
        link = target / f"{index % 64}" / f"{index}_{path.name}"
        link.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, link)
    return target


def compare(commands: dict[str, tuple[list[str], dict]], runs: int) -> dict[str, tuple[float, float, float]]:
    """Median wall, median CPU and peak RSS (MB) of each command, run alternating."""
    results = {name: [] for name in commands}
    for command, env in commands.values():  # warm the page cache (and pyfix's cache) once
        measure(command, ROOT, env)
    for _ in range(runs):
        for name, (command, env) in commands.items():
            results[name].append(measure(command, ROOT, env))
    return {
        name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), max(r[2] for r in rs) / 1024)
        for name, rs in results.items()
    }


def print_table(title: str, medians: dict[str, tuple[float, float, float]], against: str = "ruff") -> None:
    print(f"\n{title}")
    ratio = f"wall / {against}"
    width = max(16, len(ratio) + 2)
    print(f"{'':<28}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}{ratio:>{width}}")
    base = medians[against][0]
    for name, (wall, cpu, rss) in medians.items():
        print(f"{name:<28}{wall:>9.3f}{cpu:>9.3f}{rss:>9.1f}{wall / base:>{width}.2f}")


def floors(dirs: list[Path]) -> dict:
    """Read-only and parse-only floors from the hot-path bench (all cores)."""
    done = subprocess.run(["cargo", "bench", "-q", "--bench", "hot_paths", "--", *map(str, dirs)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    print(done.stdout.strip())
    return json.loads(done.stdout.strip().splitlines()[-1])


def profiled(command: list[str]) -> dict:
    """One run of pyfix with PYFIX_PROFILE=1: wall and CPU seconds, and the
    engine's totals (bytes scanned and parsed, seconds in each rule's check)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYFIX_PROFILE="1"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read()
    _, _, usage = os.wait4(process.pid, 0)
    found = {"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime, "checks": {}}
    for line in stderr.splitlines():
        words = line.split()
        if words[:1] != ["profile:"]:
            continue
        if words[1] == "check":
            found["checks"][words[2]] = float(words[3])
        else:
            found[words[1]] = int(words[2])
    return found


def budget(pyfix: Path, paths: list[str], runs: int) -> None:
    """Per rule, run alone: what it makes the engine parse, and its cost."""
    listed = subprocess.run([str(pyfix), "--list-rules"], capture_output=True, text=True, check=True).stdout
    codes = [line.split()[0] for line in listed.splitlines() if line[:2] == "PF"]
    base = [str(pyfix), "--diff", "--unsafe-fixes", "--no-cache", "--isolated"]

    def median_run(select: list[str]) -> dict:
        done = [profiled([*base, *select, *paths]) for _ in range(runs)]
        middle = sorted(done, key=lambda run: run["wall"])[len(done) // 2]
        return middle

    every = median_run([])
    print("\nbudget per rule (each run alone, --diff --unsafe-fixes, no cache; share = its check's CPU / all rules' CPU)")
    print(f"{'rule':<10}{'wall s':>9}{'cpu s':>9}{'parsed MB':>11}{'skeleton MB':>13}{'check s':>9}{'share':>8}")
    for code in codes:
        run = median_run(["--select", code])
        check = run["checks"].get(code, 0.0)
        print(f"{code:<10}{run['wall']:>9.3f}{run['cpu']:>9.3f}{run.get('parsed_bytes_whole', 0) / 1e6:>11.1f}"
              f"{run.get('parsed_bytes_skeleton', 0) / 1e6:>13.1f}{check:>9.3f}{check / every['cpu']:>8.1%}")
    checks = sum(every["checks"].values())
    print(f"{'all':<10}{every['wall']:>9.3f}{every['cpu']:>9.3f}{every.get('parsed_bytes_whole', 0) / 1e6:>11.1f}"
          f"{every.get('parsed_bytes_skeleton', 0) / 1e6:>13.1f}{checks:>9.3f}{checks / every['cpu']:>8.1%}")


def big_file() -> Path:
    """20 MB of ordinary functions, one in a hundred with a mutable default."""
    path = BENCH / "big" / "big20.py"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        chunks, size, index = [], 0, 0
        while size < 20 << 20:
            default = "[]" if index % 100 == 0 else "None"
            chunk = f"def function_{index}(first, second={default}):\n    total = first * 2 + len(str(second))\n    return total\n\n"
            chunks.append(chunk)
            size += len(chunk)
            index += 1
        path.write_text("".join(chunks))
    return path


# One function with findings of several rules: a bare `except`, a swallowed
# exception, a mutable default that leaks, an `open()` without `with`.
LINEARITY_FUNCTION = """def f{index}(path, items=[]):
    # keep the handler's comment
    items.append(path)
    handle = open(path)
    try:
        handle.read()
    except:
        pass
    try:
        return items
    except Exception:
        pass

"""


def linearity(pyfix: Path, runs: int) -> None:
    """Doubles one file's size and findings and prints each ratio."""
    folder = BENCH / "linearity"
    folder.mkdir(parents=True, exist_ok=True)
    previous = {}
    print(f"{'functions':>10} {'MB':>6} {'check CPU s':>11} {'ratio':>6} {'--diff CPU s':>12} {'ratio':>6}")
    for functions in (2_000, 4_000, 8_000, 16_000):
        path = folder / f"functions_{functions}.py"
        if not path.exists():
            path.write_text("".join(LINEARITY_FUNCTION.format(index=i) for i in range(functions)))
        modes = {"check": [], "--diff": ["--diff", "--unsafe-fixes"]}
        row = [f"{functions:>10}", f"{path.stat().st_size / 1e6:>6.1f}"]
        for mode, flags in modes.items():
            command = [str(pyfix), "--isolated", "--no-cache", "--exit-zero", *flags, str(path)]
            seconds = statistics.median(measure(command, folder)[1] for _ in range(runs))
            ratio = f"{seconds / previous[mode]:>6.2f}" if mode in previous else f"{'':>6}"
            row += [f"{seconds:>{11 if mode == 'check' else 12}.2f}", ratio]
            previous[mode] = seconds
        print(" ".join(row))


def monorepo(modules: int) -> Path:
    """`modules` small modules in packages of 100 under a project root, each
    importing two earlier siblings and the module of the same number in the
    previous package (import edges, no cycle), then binding a constant and
    defining a function and a class."""
    root = BENCH / f"monorepo-{modules}"
    if root.exists():
        return root
    (root / "mono").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "mono" / "__init__.py").write_text("")
    for package in range(modules // 100):
        folder = root / "mono" / f"pkg{package}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        for number in range(100):
            lines = []
            if number > 1:
                lines.append(f"from . import m{number - 1}, m{number - 2}")
            if package > 0:
                lines.append(f"from mono.pkg{package - 1}.m{number} import value as previous")
            lines.append("import os\n\n")
            lines.append(f"VALUE = {number}\n\ndef value(x):\n    return x + VALUE\n\n"
                         f"class Thing{number}:\n    def method(self):\n        return value(1)\n")
            (folder / f"m{number}.py").write_text("\n".join(lines))
    return root


def index_cost(pyfix: Path, modules: int, runs: int) -> None:
    """What the project index adds to a run over a generated monorepo: the
    run with every rule against the run without the two rules that read
    the project (PF016, PF007), which then builds no index."""
    root = monorepo(modules)
    base = [str(pyfix), "--isolated", "--no-cache", "--exit-zero"]
    medians = compare({
        "without the index": ([*base, "--ignore", "PF016,PF007", str(root)], {}),
        "with the index": ([*base, str(root)], {}),
    }, runs)
    print_table(f"project index, {modules} generated modules", medians, "without the index")
    (wall, cpu, rss), (base_wall, base_cpu, base_rss) = medians["with the index"], medians["without the index"]
    print(f"the index adds {100 * (cpu / base_cpu - 1):.0f}% CPU, {100 * (wall / base_wall - 1):.0f}% wall, "
          f"{rss - base_rss:.0f} MB peak memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--corpus", action="store_true", help="the stdlib plus the reliability harness's projects")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rules", default=ALL_RUFF_RULES, help="ruff rule codes to compare against")
    parser.add_argument("--pyfix-args", default="", help="extra pyfix arguments, e.g. '--select PF001'")
    parser.add_argument("--scaling", action="store_true", help="also 1/4, 1/2 and all files, on 1 and 2 threads")
    parser.add_argument("--big-file", action="store_true", help="also one generated 20 MB file")
    parser.add_argument("--budget", action="store_true",
                        help="only the budget per rule: each rule alone, what it parses and what its check costs")
    parser.add_argument("--monorepo", type=int, metavar="N",
                        help="only the project index's cost on N generated modules (100000 in the issue's budget)")
    parser.add_argument("--linearity", action="store_true",
                        help="only the linearity check: one file of N, 2N, 4N, 8N functions with findings")
    args = parser.parse_args()

    if args.linearity:
        linearity(pyfix_binary(), max(1, args.runs // 2))
        return
    if args.monorepo:
        index_cost(pyfix_binary(), args.monorepo, args.runs)
        return
    dirs = [d.resolve() for d in args.dirs] or [stdlib_copy()]
    if args.corpus:
        dirs += corpus_dirs()
    pyfix = pyfix_binary()
    ruff = None if args.budget else ruff_binary()
    files = python_files(dirs)
    size = sum(p.stat().st_size for p in files)
    print(f"corpus: {len(dirs)} trees, {len(files)} files, {size / 1e6:.1f} MB; {args.runs} runs each; {os.cpu_count()} cores")

    if args.budget:
        budget(pyfix, [*map(str, dirs)], max(1, args.runs // 2))
        return

    cache = BENCH / "cache"
    extra = args.pyfix_args.split()
    pyfix_run = [str(pyfix), "--diff", "--unsafe-fixes", *extra]
    ruff_run = [str(ruff), "check", "--isolated", "--no-cache", "--diff", "--unsafe-fixes", "--select", args.rules]
    paths = [*map(str, dirs)]
    medians = compare({
        "pyfix, no cache": ([*pyfix_run, "--no-cache", *paths], {}),
        "pyfix, second run (cache)": ([*pyfix_run, "--cache-dir", str(cache), *paths], {}),
        "ruff, no cache": ([*ruff_run, *paths], {}),
    }, args.runs)
    print_table("full run, all rules, --diff --unsafe-fixes", medians, "ruff, no cache")
    floor = floors(dirs)
    ruff_wall = medians["ruff, no cache"][0]
    print(f"read-only floor {floor['read_s']:.3f} s ({floor['read_s'] / ruff_wall:.2f} x ruff); "
          f"parse-only floor {floor['parse_s']:.3f} s ({floor['parse_s'] / ruff_wall:.2f} x ruff)")

    if args.scaling:
        for fraction in (0.25, 0.5, 1.0):
            tree = subset_tree(files, fraction)
            runs = {}
            for threads in ("1", "2"):
                env = {"RAYON_NUM_THREADS": threads}
                runs[f"pyfix, {threads} thread(s)"] = ([*pyfix_run, "--no-cache", str(tree)], env)
                runs[f"ruff, {threads} thread(s)"] = ([*ruff_run, str(tree)], env)
            count = sum(1 for _ in tree.rglob("*.py"))
            medians = compare(runs, max(1, args.runs // 2))
            print_table(f"scaling: {fraction:g} of the files ({count})", medians, "ruff, 2 thread(s)")
            one, two = medians["pyfix, 1 thread(s)"][0], medians["pyfix, 2 thread(s)"][0]
            print(f"pyfix speed-up from 1 to 2 threads: {one / two:.2f}x")

    if args.big_file:
        path = big_file()
        medians = compare({
            "pyfix, 20 MB file": ([*pyfix_run, "--no-cache", str(path)], {}),
            "ruff, 20 MB file": ([*ruff_run, str(path)], {}),
        }, max(1, args.runs // 2))
        print_table("one 20 MB file", medians, "ruff, 20 MB file")


if __name__ == "__main__":
    main()

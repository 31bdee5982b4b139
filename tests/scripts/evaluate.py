"""The labelled evaluation: how many of pyfix's findings on real code are
real, and how many of its fixes an expert would merge.

`tests/evaluation/labels/<CODE>.jsonl` holds, per rule, findings labelled
`real` or `false` and fixes labelled `merge`, `ugly` or `wrong`, each with
a reason. This script runs pyfix over the same code (the standard library
and the corpus harness's pinned projects), matches every label to what
pyfix says today, and prints per rule:

- precision: real / (real + false) among the labelled findings pyfix still
  reports, and how many labelled findings it no longer reports;
- mergeable fixes: merge / all labelled fixes still offered, and every fix
  whose edits changed since it was labelled (its label may no longer hold);
- how many current findings carry no label.

A finding is identified by project, path, line and rule; a fix also by a
digest of its edits (`fix_digest`, added by `--stamp`).

    python3 tests/scripts/evaluate.py                 # the report
    python3 tests/scripts/evaluate.py --sample PF004 --count 50 --seed 1
    python3 tests/scripts/evaluate.py --stamp         # record the digests of labelled fixes

`--sample` prints unlabelled findings (a reproducible random choice) as
label lines to fill in, with the source line for context. The exit status
is 1 when a rule falls below 95% precision or a labelled fix is `wrong`
and still offered unchanged.
"""

import argparse
import hashlib
import json
import random
import subprocess
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "tests" / "evaluation" / "labels"
PRECISION_TARGET = 0.95
MERGEABLE_TARGET = 0.90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=Path, help="folder of unpacked projects (default: the corpus harness's)")
    parser.add_argument("--pyfix", type=Path, help="the binary to run (default: a release build of this checkout)")
    parser.add_argument("--sample", metavar="CODE", help="print unlabelled findings of this rule to label")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fixes", action="store_true", help="with --sample: sample findings that have a fix")
    parser.add_argument("--stamp", action="store_true", help="record the edits' digest in labelled fixes")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).parent))
    import corpus  # noqa: E402  (the harness builds pyfix and fetches the projects)

    # pyfix runs in each project's folder: the binary's path must not be relative.
    pyfix = args.pyfix.resolve() if args.pyfix else corpus.pyfix_binary()
    findings = current_findings(pyfix, project_roots(args.projects, corpus))
    if args.sample:
        return sample(findings, args.sample, args.count, args.seed, args.fixes)
    if args.stamp:
        return stamp(findings)
    return report(findings, load_labels())


def project_roots(projects: Path | None, corpus) -> dict[str, Path]:
    """`stdlib` and each pinned project, by the name labels use."""
    roots = {"stdlib": Path(sysconfig.get_path("stdlib"))}
    if projects is not None:
        for folder in sorted(Path(projects).iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                roots[folder.name] = folder
        return roots
    for sdist in corpus.PROJECTS:
        roots[f"{sdist.name}-{sdist.version}"] = corpus.pristine(sdist)
    return roots


def current_findings(pyfix: Path, roots: dict[str, Path]) -> list[dict]:
    """Every finding pyfix reports today (unsafe fixes shown), as label keys."""
    findings = []
    for project, root in roots.items():
        command = [str(pyfix), "--isolated", "--no-cache", "--unsafe-fixes", "--output-format", "json", "--exit-zero", "."]
        if project == "stdlib":
            command[-1:] = ["--extend-exclude", "site-packages,test/data,lib2to3/tests/data", "."]
        result = subprocess.run(command, cwd=root, capture_output=True, text=True)
        try:
            reported = json.loads(result.stdout or "[]")
        except json.JSONDecodeError:
            raise SystemExit(f"{project}: pyfix printed no JSON:\n{result.stderr[-2000:]}")
        for finding in reported:
            path = Path(finding["filename"])
            relative = path.relative_to(root) if path.is_absolute() else path
            findings.append({
                "project": project,
                "path": relative.as_posix(),
                "line": finding["location"]["row"],
                "code": finding["code"],
                "message": finding["message"],
                "fix_digest": digest(finding.get("fix")),
                "root": str(root),
            })
    return findings


def digest(fix: dict | None) -> str | None:
    """A short digest of a fix's edits: it changes when the fix does."""
    if not fix:
        return None
    edits = [(e["location"]["row"], e["location"]["column"], e["end_location"]["row"],
              e["end_location"]["column"], e["content"]) for e in fix.get("edits", [])]
    return hashlib.sha256(json.dumps(edits).encode()).hexdigest()[:16]


def key(record: dict) -> tuple:
    return (record["project"], record["path"], record["line"], record["code"])


def load_labels() -> list[dict]:
    labels = []
    for file in sorted(LABELS.glob("*.jsonl")):
        for number, line in enumerate(file.read_text().splitlines(), 1):
            if line.strip():
                try:
                    labels.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise SystemExit(f"{file.name}:{number}: not JSON: {err}")
    return labels


def report(findings: list[dict], labels: list[dict]) -> int:
    by_key = {key(finding): finding for finding in findings}
    rules = sorted({label["code"] for label in labels} | {finding["code"] for finding in findings})
    labelled_keys = {key(label) for label in labels if label["kind"] == "finding"}
    failing = []
    print(f"{'rule':6} {'findings':>8} {'labelled':>8} {'present':>7} {'real':>5} {'false':>5} "
          f"{'precision':>9} {'gone':>5} {'fixes':>5} {'merge':>5} {'ugly':>5} {'wrong':>5} {'changed':>7}")
    notes = []
    for code in rules:
        total = sum(1 for finding in findings if finding["code"] == code)
        finding_labels = [label for label in labels if label["code"] == code and label["kind"] == "finding"]
        present = [label for label in finding_labels if key(label) in by_key]
        real = sum(1 for label in present if label["label"] == "real")
        false = sum(1 for label in present if label["label"] == "false")
        gone = [label for label in finding_labels if key(label) not in by_key]
        precision = real / (real + false) if real + false else None
        fix_labels = [label for label in labels if label["code"] == code and label["kind"] == "fix"]
        offered = [label for label in fix_labels if by_key.get(key(label), {}).get("fix_digest")]
        changed = [label for label in offered
                   if label.get("fix_digest") and label["fix_digest"] != by_key[key(label)]["fix_digest"]]
        counts = defaultdict(int)
        for label in offered:
            counts[label["label"]] += 1
        shown = "-" if precision is None else f"{precision:.1%}"
        print(f"{code:6} {total:8} {len(finding_labels):8} {len(present):7} {real:5} {false:5} {shown:>9} "
              f"{len(gone):5} {len(offered):5} {counts['merge']:5} {counts['ugly']:5} {counts['wrong']:5} {len(changed):7}")
        if precision is not None and precision < PRECISION_TARGET:
            failing.append(f"{code}: precision {precision:.1%} < {PRECISION_TARGET:.0%}")
        wrong_unchanged = [label for label in offered if label["label"] == "wrong" and label not in changed]
        if wrong_unchanged:
            failing.append(f"{code}: {len(wrong_unchanged)} fix(es) labelled wrong are still offered")
        if offered and counts["merge"] / len(offered) < MERGEABLE_TARGET:
            notes.append(f"{code}: {counts['merge']}/{len(offered)} fixes mergeable, below {MERGEABLE_TARGET:.0%}")
        for label in gone:
            notes.append(f"{code}: no longer reported ({label['label']}): {label['project']}/{label['path']}:{label['line']}")
        for label in changed:
            notes.append(f"{code}: fix changed since labelled ({label['label']}): {label['project']}/{label['path']}:{label['line']}")
    unlabelled = [finding for finding in findings if key(finding) not in labelled_keys]
    print(f"\n{len(findings)} findings, {len(unlabelled)} without a label.")
    for note in notes:
        print(note)
    for failure in failing:
        print(f"FAIL {failure}")
    return 1 if failing else 0


def sample(findings: list[dict], code: str, count: int, seed: int, with_fix: bool) -> int:
    labelled = {key(label) for label in load_labels() if label["kind"] == ("fix" if with_fix else "finding")}
    candidates = [finding for finding in findings
                  if finding["code"] == code and key(finding) not in labelled
                  and (finding["fix_digest"] or not with_fix)]
    candidates.sort(key=key)
    chosen = random.Random(seed).sample(candidates, min(count, len(candidates)))
    for finding in sorted(chosen, key=key):
        source = Path(finding["root"], finding["path"]).read_text(errors="replace").splitlines()
        context = source[finding["line"] - 1].strip() if finding["line"] <= len(source) else ""
        record = {"kind": "fix" if with_fix else "finding", **{k: finding[k] for k in ("project", "path", "line", "code")},
                  "message": finding["message"], "label": None, "reason": None, "context": context}
        if with_fix:
            record["fix_digest"] = finding["fix_digest"]
        print(json.dumps(record))
    print(f"# {len(chosen)} of {len(candidates)} unlabelled {code} {'fixes' if with_fix else 'findings'}", file=sys.stderr)
    return 0


def stamp(findings: list[dict]) -> int:
    by_key = {key(finding): finding for finding in findings}
    for file in sorted(LABELS.glob("*.jsonl")):
        lines = []
        for line in file.read_text().splitlines():
            if not line.strip():
                continue
            label = json.loads(line)
            current = by_key.get(key(label))
            if label["kind"] == "fix" and "fix_digest" not in label and current and current["fix_digest"]:
                label["fix_digest"] = current["fix_digest"]
            lines.append(json.dumps(label))
        file.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

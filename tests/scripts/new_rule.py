#!/usr/bin/env python3
"""Scaffold a new rule: its file, its registration, its tests, its README row.

Usage: python3 tests/scripts/new_rule.py CODE NAME [--fix none|safe|unsafe|safe-or-unsafe]
       python3 tests/scripts/new_rule.py PF009 debugger-leftover --fix none

It writes:

- transforms/<name_with_underscores>.rs: the documentation headings with
  TODO text, `static META`, and a `Transform` impl that compiles and finds
  nothing until its TODOs are done;
- transforms/mod.rs: the `mod` line (alphabetical) and the entry in `ALL`
  (code order);
- tests/fixtures/<name>/flagged.py and not_flagged.py: starter fixtures;
- tests/behaviour/<name>/: a starter scenario (starter.py), or for a rule
  without a fix, a README.md that keeps the folder (there is no fix whose
  behaviour a scenario could prove);
- README.md: a row in the rule table, in code order.

It refuses a code or a name that is taken, a code that is not `PF` and
three digits, and a name that is not kebab-case. Nothing is written unless
every step can be done. `--root DIR` works on another copy of the
repository (the tests use it); the default is this script's repository.
See CONTRIBUTING.md, "Add a rule", for what to do next.
"""

import argparse
import re
import sys
from pathlib import Path

FIX_KINDS = {
    "none": "None",
    "safe": "Safe",
    "unsafe": "Unsafe",
    "safe-or-unsafe": "SafeOrUnsafe",
}

CODE = re.compile(r"PF[0-9]{3}")
NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

# A rule's module is named after it: these would not compile as `mod NAME;`
# or would clash with what transforms/ already holds.
RUST_KEYWORDS = set(
    """as async await break const continue crate dyn else enum extern false fn for if impl
    in let loop match mod move mut pub ref return self static struct super trait true type
    unsafe use where while abstract become box do final gen macro override priv try typeof
    unsized virtual yield""".split()
)
RESERVED_MODULES = {"mod", "helpers"}

MOD_LINE = re.compile(r"^mod ([a-z0-9_]+);$")
ALL_START = re.compile(r"^pub static ALL: &\[&dyn Transform\] = &\[$")
ALL_ENTRY = re.compile(r"^    &([a-z0-9_]+)::([A-Za-z0-9]+),$")
META_CODE = re.compile(r'^\s*code: "(PF[0-9]{3})",$', re.MULTILINE)
META_NAME = re.compile(r'^\s*name: "([a-z0-9-]+)",$', re.MULTILINE)
README_ROW = re.compile(r"^\| *(\S+) *\| *(\S+) *\|")


class Refused(Exception):
    """The scaffold cannot be made; the message says why."""


def default_root():
    """The repository this script belongs to (tests/scripts/ is two levels down)."""
    return Path(__file__).resolve().parents[2]


def module_name(name):
    return name.replace("-", "_")


def type_name(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def validate(code, name):
    if not CODE.fullmatch(code):
        raise Refused(f"`{code}` is not a rule code: `PF` and three digits, like PF009")
    if not NAME.fullmatch(name):
        raise Refused(
            f"`{name}` is not a rule name: lowercase words joined by `-`, like debugger-leftover"
        )
    module = module_name(name)
    if module in RUST_KEYWORDS or module in RESERVED_MODULES:
        raise Refused(f"`{name}` cannot be a module name in transforms/; choose another name")


def existing_rules(root):
    """(code, name, module) of every rule file in transforms/."""
    rules = []
    for path in sorted((root / "transforms").glob("*.rs")):
        if path.stem == "mod":
            continue
        text = path.read_text(encoding="utf-8")
        code = META_CODE.search(text)
        name = META_NAME.search(text)
        rules.append((code.group(1) if code else None, name.group(1) if name else None, path.stem))
    return rules


def check_free(root, code, name):
    module = module_name(name)
    for other_code, other_name, other_module in existing_rules(root):
        if other_code == code:
            raise Refused(f"{code} is taken by {other_name} (transforms/{other_module}.rs)")
        if other_name == name or other_module == module:
            raise Refused(f"the name {name} is taken by {other_code} (transforms/{other_module}.rs)")
    for row_code, row_name in readme_rows(read(root / "README.md")):
        if row_code == code:
            raise Refused(f"{code} is taken in README.md's rule table ({row_name})")
        if row_name == name:
            raise Refused(f"the name {name} is taken in README.md's rule table ({row_code})")
    for folder in ("tests/fixtures", "tests/behaviour"):
        if (root / folder / module).exists():
            raise Refused(f"{folder}/{module} exists already")


def read(path):
    if not path.is_file():
        raise Refused(f"{path} not found: is --root the repository's root?")
    return path.read_text(encoding="utf-8")


def register(mod_rs, code, name, codes_by_module):
    """transforms/mod.rs with the rule's `mod` line and its entry in `ALL`."""
    module = module_name(name)
    lines = mod_rs.splitlines(keepends=True)

    mod_lines = [i for i, line in enumerate(lines) if MOD_LINE.match(line.rstrip("\n"))]
    if not mod_lines:
        raise Refused("transforms/mod.rs has no `mod <rule>;` lines")
    at = next(
        (i for i in mod_lines if MOD_LINE.match(lines[i].rstrip("\n")).group(1) > module),
        mod_lines[-1] + 1,
    )
    lines.insert(at, f"mod {module};\n")

    start = next((i for i, line in enumerate(lines) if ALL_START.match(line.rstrip("\n"))), None)
    if start is None:
        raise Refused("transforms/mod.rs has no `pub static ALL` list")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("];"))
    at = end
    for i in range(start + 1, end):
        entry = ALL_ENTRY.match(lines[i].rstrip("\n"))
        if not entry:
            raise Refused(f"transforms/mod.rs line {i + 1} is not an `ALL` entry: {lines[i]!r}")
        other = codes_by_module.get(entry.group(1))
        if other is None:
            raise Refused(f"no rule file gives the code of `{entry.group(1)}` in ALL")
        if other > code:
            at = i
            break
    lines.insert(at, f"    &{module}::{type_name(name)},\n")
    return "".join(lines)


def readme_rows(readme):
    """(code, name) of each row of the table under `## Rules`."""
    return [(code, name) for _, code, name in readme_table(readme.splitlines(keepends=True))]


def readme_table(lines):
    """(line index, code, name) of each row of the table under `## Rules`."""
    try:
        heading = next(i for i, line in enumerate(lines) if line.rstrip("\n") == "## Rules")
    except StopIteration:
        raise Refused("README.md has no `## Rules` section") from None
    rows = []
    in_table = False
    for i in range(heading + 1, len(lines)):
        line = lines[i]
        if not line.startswith("|"):
            if in_table:
                break
            continue
        in_table = True
        match = README_ROW.match(line)
        if match and CODE.fullmatch(match.group(1)):
            rows.append((i, match.group(1), match.group(2)))
    return rows


def add_readme_row(readme, code, name, fix):
    lines = readme.splitlines(keepends=True)
    rows = readme_table(lines)
    if not rows:
        raise Refused("README.md's `## Rules` section has no rule table")
    at = next((i for i, other, _ in rows if other > code), rows[-1][0] + 1)
    what_fix = {
        "none": "none",
        "safe": "safe: TODO what the fix writes",
        "unsafe": "unsafe: TODO what the fix writes",
        "safe-or-unsafe": "safe when TODO: what the fix writes; else unsafe: TODO",
    }[fix]
    lines.insert(at, f"| {code} | {name} | TODO what it finds | {what_fix} |\n")
    return "".join(lines)


def fix_safety(fix):
    return {
        "none": [
            "No fix. TODO: say why no edit can be sure to be right, so that a",
            "reader knows what to change by hand.",
        ],
        "safe": [
            "Safe. TODO: say why the fixed code always behaves as the original did.",
        ],
        "unsafe": [
            "Unsafe. TODO: say what the fixed code can do differently, and when.",
        ],
        "safe-or-unsafe": [
            "Safe when TODO: the case that keeps behaviour, and why.",
            "Unsafe otherwise. TODO: what the fixed code can do differently, and when.",
        ],
    }[fix]


def rule_source(code, name, fix):
    module = module_name(name)
    has_fix = fix != "none"
    doc = [
        f"# {name} ({code})",
        "",
        "## What it does",
        "TODO: the pattern this rule finds, in a sentence or two.",
        "",
        "## Why is this bad?",
        "TODO: what goes wrong in production because of it.",
        "",
        "## Example",
        "```python",
        "# TODO: the smallest code this rule flags",
        "```",
        "",
        "Use instead:",
        "```python",
        "# TODO: the same code, written well",
        "```",
        "",
        "## Fix safety",
        *fix_safety(fix),
    ]
    header = "".join(f"//! {line}".rstrip() + "\n" for line in doc)
    rule_imports = "Context, Diagnostic, FileInfo, Fix, FixKind, RuleMeta, Transform"
    if not has_fix:
        rule_imports = rule_imports.replace(" Fix,", "")
    if has_fix:
        report = """\
                let message = "TODO: what is wrong, in a few words";
                let fix = fix_for(context, node);
                diagnostics.push(META.report(node.byte_range(), message).with_fix(fix));
"""
        fix_fn = """
/// TODO: the edits that fix the finding at `node`: `Edit::replace`,
/// `Edit::insert` or `Edit::delete` (from `crate::rule::fix`), in
/// `Fix::safe(edits)` or `Fix::unsafe_(edits)` as the documentation's
/// "Fix safety" says; an import the fix needs comes from
/// `crate::rule::importer`. `None` where no fix is sure to be right: the
/// finding is still reported.
fn fix_for(_context: &Context<'_>, _node: Node<'_>) -> Option<Fix> {
    None
}
"""
    else:
        report = """\
                let message = "TODO: what is wrong, in a few words";
                diagnostics.push(META.report(node.byte_range(), message));
"""
        fix_fn = ""
    return f"""{header}
use tree_sitter::Node;

use crate::rule::{{{rule_imports}}};
use crate::syntax::kind::Kind;
use crate::syntax::scan::Scan;

pub struct {type_name(name)};

static META: RuleMeta = RuleMeta {{
    code: "{code}",
    name: "{name}",
    fix: FixKind::{FIX_KINDS[fix]},
    source: include_str!("{module}.rs"),
    // TODO: the codes other linters give the same check (ruff's `B006`, ...).
    aliases: &[],
}};

impl Transform for {type_name(name)} {{
    fn meta(&self) -> &'static RuleMeta {{
        &META
    }}

    /// TODO: a token every finding needs, read without parsing (replace
    /// `TODO` with it, e.g. `breakpoint`). `false` promises that `check`
    /// finds nothing in the file, so it may say `true` too often, never too
    /// rarely; tests/prefilter.rs holds it to that on the standard library.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {{
        scan.tokens.iter().any(|token| scan.is(token, "TODO"))
    }}

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {{
        let mut diagnostics = Vec::new();
        // TODO: the kinds of node a finding is reported at (see `Kind`).
        for node in context.module.nodes_of_kind(&[Kind::Call]) {{
            if is_finding(context, node) {{
{report}            }}
        }}
        diagnostics
    }}
}}

/// TODO: whether `node` shows the mistake (read the tree through
/// `context.module`, names through `context.semantic`). Until it says
/// `true` for something, the rule finds nothing.
fn is_finding(_context: &Context<'_>, _node: Node<'_>) -> bool {{
    false
}}
{fix_fn}"""


def fixtures(code, name):
    flagged = f"""\
# TODO: one case {code} ({name}) flags, and why, in one line. One scenario per file.


def example():
    return None  # TODO: the smallest code that shows the case
"""
    not_flagged = f"""\
# TODO: code {code} ({name}) must leave alone, and why, in one line.


def example():
    return None  # TODO: code that looks like the pattern but is fine
"""
    return {"flagged.py": flagged, "not_flagged.py": not_flagged}


def behaviour(code, name, fix):
    if fix == "none":
        note = f"""\
{code} ({name}) has no fix, so there is no fixed code whose behaviour a
scenario could prove: tests/behaviour.rs runs each scenario through the
rule's fix and fails one that pyfix leaves unchanged. This file keeps the
folder, which tests/fixtures.rs requires of every rule. When the rule gets
a fix, add scenarios here and delete this file (see CONTRIBUTING.md).
"""
        return {"README.md": note}
    scenario = f"""\
# TODO: what this scenario proves, in one line (e.g. "Ctrl-C stops the loop
# again"); then rename the file after it. Header lines (see tests/behaviour.rs):
# `# before: passes` when the original passes too, `# args: ...`,
# `# expect-output: TEXT`, `# reject-output: TEXT`, `# python-path: DIR`.


def buggy():
    # TODO: the code {code} ({name}) fixes, as real projects write it.
    return None


# TODO: assertions that fail on the code above and pass once pyfix fixed it.
assert buggy() is None
print("ok")
"""
    return {"starter.py": scenario}


def scaffold(root, code, name, fix):
    """Every file to write, as {path: text}; raises Refused before writing anything."""
    validate(code, name)
    check_free(root, code, name)
    module = module_name(name)
    codes_by_module = {m: c for c, _, m in existing_rules(root) if c}
    files = {
        Path("transforms") / f"{module}.rs": rule_source(code, name, fix),
        Path("transforms/mod.rs"): register(
            read(root / "transforms/mod.rs"), code, name, codes_by_module
        ),
        Path("README.md"): add_readme_row(read(root / "README.md"), code, name, fix),
    }
    for file_name, text in fixtures(code, name).items():
        files[Path("tests/fixtures") / module / file_name] = text
    for file_name, text in behaviour(code, name, fix).items():
        files[Path("tests/behaviour") / module / file_name] = text
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="new_rule.py",
        description="Scaffold a new pyfix rule (see CONTRIBUTING.md, 'Add a rule').",
    )
    parser.add_argument("code", metavar="CODE", help="the rule's code: PF and three digits")
    parser.add_argument("name", metavar="NAME", help="the rule's name, kebab-case")
    parser.add_argument(
        "--fix",
        choices=list(FIX_KINDS),
        default="none",
        help="the fixes the rule will offer (default: none)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=default_root(),
        help="the repository to add the rule to (default: this script's)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        files = scaffold(root, args.code, args.name, args.fix)
    except Refused as refusal:
        parser.exit(2, f"{parser.prog}: error: {refusal}\n")
    print(f"{args.code} {args.name}:")
    for path, text in files.items():
        target = root / path
        print(f"  {'changed' if target.exists() else 'created'} {path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    module = module_name(args.name)
    print(
        f"""
Next (CONTRIBUTING.md, "Add a rule"):
  grep -rn TODO transforms/{module}.rs tests/fixtures/{module} tests/behaviour/{module} README.md
  cargo test --test fixtures     # then review the new snapshots: cargo insta review
  PYFIX_UPDATE_DOCS=1 cargo test --test rule_pages   # writes docs/rules/{args.code}.md from the rule's doc
  cargo test"""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

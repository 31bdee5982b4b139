"""Tests of the rule scaffold (new_rule.py), on a copy of the files it reads and writes.

Run: python3 -m unittest tests/scripts/test_new_rule.py
"""

import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import new_rule  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "scripts" / "new_rule.py"
# What the scaffold reads and writes, and rustfmt's settings.
COPIED = ["transforms", "tests/fixtures", "tests/behaviour", "README.md", "rustfmt.toml"]


def files_under(root):
    """{relative path: bytes} of every file under root."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class Scaffold(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory(prefix="new-rule-")
        self.root = Path(self.temp.name)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, self.root / name)
            else:
                (self.root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, self.root / name)

    def tearDown(self):
        self.temp.cleanup()

    def run_scaffold(self, *args):
        return subprocess.run(
            [sys.executable, str(SCRIPT), *args, "--root", str(self.root)],
            capture_output=True,
            text=True,
        )

    def scaffold(self, *args):
        result = self.run_scaffold(*args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def read(self, path):
        return (self.root / path).read_text(encoding="utf-8")

    def all_entries(self):
        """(module, type) of each entry of ALL in transforms/mod.rs."""
        text = self.read("transforms/mod.rs")
        body = text.split("pub static ALL: &[&dyn Transform] = &[\n", 1)[1].split("];", 1)[0]
        return re.findall(r"^    &(\w+)::(\w+),$", body, re.MULTILINE)

    def codes_in_all(self):
        codes = {module: code for code, _, module in new_rule.existing_rules(self.root)}
        return [codes[module] for module, _ in self.all_entries()]

    def mod_lines(self):
        return re.findall(r"^mod (\w+);$", self.read("transforms/mod.rs"), re.MULTILINE)

    def readme_rows(self):
        return new_rule.readme_rows(self.read("README.md"))

    def test_a_detect_only_rule(self):
        result = self.scaffold("PF990", "example-leftover", "--fix", "none")
        self.assertIn("created transforms/example_leftover.rs", result.stdout)
        self.assertIn("changed transforms/mod.rs", result.stdout)

        rule = self.read("transforms/example_leftover.rs")
        self.assertTrue(rule.startswith("//! # example-leftover (PF990)\n//!\n//! ## What it does\n"))
        for heading in ["## What it does", "## Why is this bad?", "## Example", "## Fix safety"]:
            self.assertIn(f"//! {heading}\n", rule)
        self.assertIn("pub struct ExampleLeftover;", rule)
        self.assertIn('    code: "PF990",\n    name: "example-leftover",\n', rule)
        self.assertIn("    fix: FixKind::None,\n", rule)
        self.assertIn('source: include_str!("example_leftover.rs"),', rule)
        self.assertIn("impl Transform for ExampleLeftover {", rule)
        self.assertIn("fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {", rule)
        self.assertIn("fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {", rule)
        self.assertIn("TODO", rule)
        # No fix: nothing about fixes, which would be unused imports.
        self.assertNotIn("Fix,", rule)
        self.assertNotIn("with_fix", rule)

        # Registered: `mod` lines stay alphabetical, ALL stays in code order.
        self.assertIn("example_leftover", self.mod_lines())
        self.assertEqual(self.mod_lines(), sorted(self.mod_lines()))
        self.assertIn(("example_leftover", "ExampleLeftover"), self.all_entries())
        codes = self.codes_in_all()
        self.assertEqual(codes, sorted(codes))
        self.assertEqual(codes.count("PF990"), 1)

        # The README row, in code order, with the code and name columns
        # tests/readme.rs compares with ALL.
        rows = self.readme_rows()
        self.assertIn(("PF990", "example-leftover"), rows)
        self.assertEqual([code for code, _ in rows], codes)
        self.assertIn("| PF990 | example-leftover | TODO what it finds | none |\n", self.read("README.md"))

        fixtures = sorted(p.name for p in (self.root / "tests/fixtures/example_leftover").iterdir())
        self.assertEqual(fixtures, ["flagged.py", "not_flagged.py"])
        for name in fixtures:
            source = self.read(f"tests/fixtures/example_leftover/{name}")
            self.assertTrue(source.startswith("# TODO: "), "a leading comment says what it shows")
            compile(source, name, "exec")
        # A rule without a fix has no behaviour to prove; the folder stays
        # (tests/fixtures.rs requires it) through a note, not a scenario.
        behaviour = self.root / "tests/behaviour/example_leftover"
        self.assertEqual(sorted(p.name for p in behaviour.iterdir()), ["README.md"])

    def test_a_rule_with_a_fix(self):
        self.scaffold("PF090", "print-debugging", "--fix", "unsafe")
        rule = self.read("transforms/print_debugging.rs")
        self.assertIn("    fix: FixKind::Unsafe,\n", rule)
        self.assertIn(".with_fix(fix)", rule)
        self.assertIn("fn fix_for(_context: &Context<'_>, _node: Node<'_>) -> Option<Fix> {", rule)
        # tests/fixtures.rs wants the fix safety section to say safe or unsafe.
        self.assertIn("unsafe", rule.split("## Fix safety", 1)[1].lower())
        scenario = self.read("tests/behaviour/print_debugging/starter.py")
        compile(scenario, "starter.py", "exec")
        self.assertIn("| PF090 | print-debugging | TODO what it finds | unsafe: ", self.read("README.md"))

    def test_every_fix_kind(self):
        for index, (fix, kind) in enumerate(new_rule.FIX_KINDS.items()):
            self.scaffold(f"PF02{index}", f"rule-{fix}", "--fix", fix)
            module = new_rule.module_name(f"rule-{fix}")
            self.assertIn(f"    fix: FixKind::{kind},\n", self.read(f"transforms/{module}.rs"))
        self.assertEqual(self.codes_in_all(), sorted(self.codes_in_all()))

    def test_first_and_last_places(self):
        self.scaffold("PF000", "zzz-first-by-code")
        self.scaffold("PF999", "aaa-last-by-code")
        self.assertEqual(self.all_entries()[0], ("zzz_first_by_code", "ZzzFirstByCode"))
        self.assertEqual(self.all_entries()[-1], ("aaa_last_by_code", "AaaLastByCode"))
        self.assertEqual(self.mod_lines()[0], "aaa_last_by_code")
        self.assertEqual(self.mod_lines()[-1], "zzz_first_by_code")
        rows = self.readme_rows()
        self.assertEqual(rows[0], ("PF000", "zzz-first-by-code"))
        self.assertEqual(rows[-1], ("PF999", "aaa-last-by-code"))

    def test_refuses_a_taken_code_or_name_and_writes_nothing(self):
        self.scaffold("PF990", "example-leftover")
        before = files_under(self.root)
        for args, says in [
            (["PF002", "some-new-name"], "PF002 is taken by bare-except"),
            (["PF990", "another-name"], "PF990 is taken by example-leftover"),
            (["PF991", "bare-except"], "the name bare-except is taken by PF002"),
            (["PF991", "example-leftover"], "the name example-leftover is taken by PF990"),
        ]:
            result = self.run_scaffold(*args)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(says, result.stderr)
        self.assertEqual(files_under(self.root), before)

    def test_refuses_leftover_test_folders(self):
        (self.root / "tests/fixtures/half_done").mkdir()
        result = self.run_scaffold("PF091", "half-done")
        self.assertEqual(result.returncode, 2)
        self.assertIn("tests/fixtures/half_done exists already", result.stderr)
        self.assertFalse((self.root / "transforms/half_done.rs").exists())

    def test_refuses_bad_formats(self):
        before = files_under(self.root)
        for code, name in [
            ("PF12", "fine-name"),
            ("PF1234", "fine-name"),
            ("pf012", "fine-name"),
            ("XX012", "fine-name"),
            ("PF092", "Fine-Name"),
            ("PF092", "fine_name"),
            ("PF092", "fine--name"),
            ("PF092", "-fine"),
            ("PF092", "fine-"),
            ("PF092", "2fine"),
            ("PF092", "type"),
            ("PF092", "helpers"),
        ]:
            result = self.run_scaffold(code, name)
            self.assertEqual(result.returncode, 2, (code, name))
            self.assertIn("error:", result.stderr)
        self.assertEqual(files_under(self.root), before)
        result = self.run_scaffold("PF092", "fine-name", "--fix", "maybe")
        self.assertEqual(result.returncode, 2)

    @unittest.skipUnless(shutil.which("rustfmt"), "rustfmt is not installed")
    def test_the_rule_file_is_formatted(self):
        for index, fix in enumerate(new_rule.FIX_KINDS):
            self.scaffold(f"PF03{index}", f"formatted-{fix}", "--fix", fix)
        # rustfmt follows transforms/mod.rs's `mod` lines to every rule file.
        result = subprocess.run(
            ["rustfmt", "--check", "--edition", "2024", str(self.root / "transforms/mod.rs")],
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_the_default_root_is_this_repository(self):
        self.assertEqual(new_rule.default_root(), ROOT)
        self.assertTrue((new_rule.default_root() / "transforms" / "mod.rs").is_file())


if __name__ == "__main__":
    unittest.main()

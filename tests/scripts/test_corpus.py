"""Tests of the reliability harness's own checks: they must be able to fail.

Run: python3 -m unittest tests/scripts/test_corpus.py  (.ci/run does)
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import check_ast, touched_lines  # noqa: E402

ORIGINAL = b"""\
import os

def f(a=[]):
    return a

class C:
    def keep(self):
        return 1

    def __del__(self):
        os.remove(self.path)

VALUE = 2
"""


class CheckAst(unittest.TestCase):
    def test_a_change_inside_the_touched_function_passes(self):
        fixed = ORIGINAL.replace(b"def f(a=[]):\n", b"def f(a=None):\n    if a is None:\n        a = []\n")
        self.assertIsNone(check_ast(ORIGINAL, fixed, [(3, 3)]))

    def test_an_added_import_passes(self):
        fixed = b"import logging\n" + ORIGINAL
        self.assertIsNone(check_ast(ORIGINAL, fixed, [(1, 1)]))

    def test_a_change_outside_every_touched_statement_fails(self):
        fixed = ORIGINAL.replace(b"VALUE = 2", b"VALUE = 3")
        self.assertIn("line 13", check_ast(ORIGINAL, fixed, [(3, 3)]))

    def test_an_untouched_method_of_a_touched_class_must_stay(self):
        fixed = ORIGINAL.replace(b"return 1", b"return 0")
        problem = check_ast(ORIGINAL, fixed, [(10, 11)])
        self.assertIn("class C", problem)

    def test_a_statement_that_fell_into_a_block_fails(self):
        # A dedent lost: `VALUE = 2` is now inside the class.
        fixed = ORIGINAL.replace(b"\nVALUE = 2", b"    VALUE = 2")
        self.assertIsNotNone(check_ast(ORIGINAL, fixed, [(3, 3)]))

    def test_reordered_statements_fail(self):
        fixed = ORIGINAL.replace(b"import os\n", b"").replace(b"VALUE = 2\n", b"VALUE = 2\nimport os\n")
        self.assertIsNotNone(check_ast(ORIGINAL, fixed, [(3, 3)]))


class TouchedLines(unittest.TestCase):
    def test_findings_without_a_fix_touch_nothing(self):
        finding = {"filename": "a.py", "location": {"row": 3}, "end_location": {"row": 3}, "fix": None}
        self.assertEqual(touched_lines([finding]), {})

    def test_edits_count_as_touched(self):
        edit = {"location": {"row": 7}, "end_location": {"row": 8}}
        finding = {"filename": "a.py", "location": {"row": 3}, "end_location": {"row": 3}, "fix": {"edits": [edit]}}
        self.assertEqual(touched_lines([finding]), {"a.py": [(3, 3), (7, 8)]})


if __name__ == "__main__":
    unittest.main()

"""Module docstring: still the docstring after the fix."""
from __future__ import annotations

import importlib


def parse(text: str) -> int | None:
    try:
        return int(text)
    except:
        pass


# The assertions reach logging without binding the name, so that the fix must add `import logging`.
records = []
root = importlib.import_module("logging").getLogger()
root.addHandler(type("Capture", (importlib.import_module("logging").Handler,), {"emit": lambda self, r: records.append(r)})())

assert __doc__ == "Module docstring: still the docstring after the fix."
assert parse.__annotations__ == {"text": "str", "return": "int | None"}, "annotations are still postponed"
assert parse("12") == 12
assert parse("twelve") is None
assert len(records) == 1 and records[0].exc_info[0] is ValueError, records
lines = open(__file__, encoding="utf-8").read().splitlines()
assert lines.index("import logging") == lines.index("import importlib") + 1
print("ok")

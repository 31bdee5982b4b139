"""Module docstring: still the docstring after the fix."""
from __future__ import annotations

import importlib


def apply(settings: dict) -> int | None:
    try:
        settings["applied"] = int(settings["level"])
        reload_settings(settings)
    except:
        pass


def reload_settings(settings):
    if settings["level"] == "0":
        raise RuntimeError("level 0")


# The assertions reach logging without binding the name, so that the fix must add `import logging`.
records = []
root = importlib.import_module("logging").getLogger()
root.addHandler(type("Capture", (importlib.import_module("logging").Handler,), {"emit": lambda self, r: records.append(r)})())

assert __doc__ == "Module docstring: still the docstring after the fix."
assert apply.__annotations__ == {"settings": "dict", "return": "int | None"}, "annotations are still postponed"
assert apply({"level": "1"}) is None and not records
assert apply({"level": "0"}) is None
assert len(records) == 1 and records[0].exc_info[0] is RuntimeError, records
assert records[0].name == "__main__"
lines = open(__file__, encoding="utf-8").read().splitlines()
assert lines.index("import logging") == lines.index("import importlib") + 1
assert lines.index("logger = logging.getLogger(__name__)") == lines.index("import logging") + 2
print("ok")

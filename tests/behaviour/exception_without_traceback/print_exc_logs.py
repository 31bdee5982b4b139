# `traceback.print_exc()` becomes a log call through the module's logger: the traceback goes to the log, not to stderr; `import traceback`, unused now, is gone.
import io
import logging
import sys
import traceback

log = logging.getLogger("db")
records = []
log.addHandler(type("Capture", (logging.Handler,), {"emit": lambda self, r: records.append(r)})())
log.propagate = False


def sync(db):
    try:
        db.sync()
    except Exception:
        traceback.print_exc()


stderr, sys.stderr = sys.stderr, io.StringIO()
try:
    sync(None)
    printed = sys.stderr.getvalue()
finally:
    sys.stderr = stderr
assert printed == "", printed
assert len(records) == 1 and records[0].levelno == logging.ERROR, records
assert records[0].exc_info[0] is AttributeError
assert records[0].getMessage() == "Failed to sync db", records[0].getMessage()
# The module served only that call: the fix removed its import (the name is spelt in two parts, which keep no mention of it).
assert "trace" + "back" not in globals()
print("ok")

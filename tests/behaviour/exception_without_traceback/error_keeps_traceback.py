# In handlers that catch everything, `.error()` calls that pass the exception now carry its traceback; the message reads the same and is formatted lazily.
import logging

log = logging.getLogger("jobs")
records = []
log.addHandler(type("Capture", (logging.Handler,), {"emit": lambda self, r: records.append(r)})())
log.propagate = False


def parse(name, text):
    try:
        return int(text)
    except Exception as e:
        log.error(f"100% of {name} failed: {e!r}")
    try:
        return float(text)
    except Exception as e:
        log.error("cannot parse %s: %s", name, e)


assert parse("n", "3") == 3
assert parse("x", "oops") is None
assert len(records) == 2, records
first, second = records
assert first.getMessage() == "100% of x failed: ValueError(\"invalid literal for int() with base 10: 'oops'\")", first.getMessage()
assert second.getMessage() == "cannot parse x: could not convert string to float: 'oops'", second.getMessage()
assert all(r.levelno == logging.ERROR and r.exc_info and r.exc_info[0] is ValueError for r in records)
# Lazy: the record holds the template and the arguments, not a formatted f-string.
assert first.msg == "100%% of %s failed: %r" and first.args[0] == "x", (first.msg, first.args)
print("ok")

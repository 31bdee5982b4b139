# Each swallowed failure in a loop is logged at ERROR with its traceback; the loop still goes on, and the result is the same.
import logging

records = []


class Capture(logging.Handler):
    def emit(self, record):
        records.append(record)


logging.getLogger().addHandler(Capture())


def fetch(key):
    if key.startswith("bad"):
        raise KeyError(key)
    return key.upper()


def refresh(keys):
    cache = {}
    for key in keys:
        try:
            cache[key] = fetch(key)
        except Exception:  # TODO: report the failure
            continue
    return cache


def notify(listener):
    try:
        listener.notify()
    except BaseException:  # TODO: report the failure
        pass


assert refresh(["a", "bad1", "b", "bad2"]) == {"a": "A", "b": "B"}
assert [r.levelno for r in records] == [logging.ERROR] * 2, records
assert [r.exc_info[1].args for r in records] == [("bad1",), ("bad2",)]
assert records[0].getMessage() == "Failed to fetch", records[0].getMessage()
notify(None)
assert records[-1].exc_info[0] is AttributeError and records[-1].getMessage() == "Failed to notify listener"
print("ok")

# The module's logger is used, found through an aliased `logging`; a handler in a tuple with `as e` is covered.
import logging as lg

log = lg.getLogger(__name__)
records = []
log.addHandler(type("Capture", (lg.Handler,), {"emit": lambda self, r: records.append(r)})())
log.propagate = False


def store(path, data):
    try:
        with open(path, "w") as f:
            f.write(data)
    except (OSError, Exception) as e:  # TODO: report the failure
        return None


assert store("/nonexistent/dir/file", "x") is None
assert len(records) == 1, records
assert records[0].name == "__main__" and records[0].exc_info[0] is FileNotFoundError
assert records[0].getMessage() == "Error in store()", records[0].getMessage()
assert not lg.getLogger().handlers
print("ok")

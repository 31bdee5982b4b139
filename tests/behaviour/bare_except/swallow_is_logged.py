# A failure a bare `except: pass` swallowed is now logged at ERROR with its traceback, through a logger the fix creates for the module (named after it), not through the root logger.
import logging


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


capture = Capture()
logging.getLogger("__main__").addHandler(capture)
logging.getLogger("__main__").propagate = False


class Db:
    def __init__(self, fail):
        self.fail = fail

    def sync(self):
        if self.fail:
            raise OSError("disk full")


def sync(db):
    try:
        db.sync()
    except:
        pass


def sync_all(dbs):
    synced = 0
    for db in dbs:
        try: db.sync()
        except: continue
        synced += 1
    return synced


sync(Db(False))
assert capture.records == []
sync(Db(True))
assert len(capture.records) == 1, capture.records
record = capture.records[0]
assert record.name == "__main__" and record.levelno == logging.ERROR
assert record.exc_info and record.exc_info[0] is OSError
assert record.getMessage() == "Failed to sync db", record.getMessage()

assert sync_all([Db(False), Db(True), Db(False), Db(True)]) == 2
assert [r.getMessage() for r in capture.records[1:]] == ["Failed to sync db"] * 2
# No handler was installed on the root logger: nothing called `logging.exception`.
assert not logging.getLogger().handlers
print("ok")

# A failure a bare `except: pass` swallowed is now logged at ERROR with its traceback, through `logging`.
import json
import logging


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


capture = Capture()
logging.getLogger().addHandler(capture)


def load(text):
    try:
        return json.loads(text)
    except:
        pass


def load_all(texts):
    loaded = []
    for text in texts:
        try: loaded.append(json.loads(text))
        except: continue
    return loaded


assert load('{"a": 1}') == {"a": 1}
assert load("not json") is None
assert len(capture.records) == 1, capture.records
record = capture.records[0]
assert record.levelno == logging.ERROR
assert record.exc_info and record.exc_info[0] is json.JSONDecodeError
assert record.getMessage() == "json.loads failed in load()", record.getMessage()

assert load_all(["1", "x", "2", "y"]) == [1, 2]
assert [r.getMessage() for r in capture.records[1:]] == ["json.loads failed in load_all()"] * 2
assert all(r.exc_info[0] is json.JSONDecodeError for r in capture.records[1:])
print("ok")

# A `__del__` whose receiver is not `self`, with a default parameter and a one-line `__del__`, still works as `close()`.
import warnings

events = []


class Handle:
    def __init__(self):
        self.open = True

    def __del__(this, _log=events.append):
        _log("closed")
        this.open = False


class Tiny:
    def __del__(self): events.append("tiny")


with Handle() as handle:
    assert handle.open
assert not handle.open
with Tiny():
    pass
assert events == ["closed", "tiny"], events
print("ok")

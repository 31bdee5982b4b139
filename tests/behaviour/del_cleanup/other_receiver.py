# A `__del__` whose receiver is not `self`, with a default parameter, and a one-line `__del__` still work as `close()` and in `with` blocks.
import os
import tempfile

events = []
folder = tempfile.mkdtemp()


class Handle:
    def __init__(self):
        self.fd = os.open(folder, os.O_RDONLY)

    def __del__(this, _close=os.close):
        events.append("closed")
        _close(this.fd)


class Tiny:
    def __init__(self):
        self.file = open(os.path.join(folder, "tiny.txt"), "w")

    def __del__(self): self.file.close()


with Handle() as handle:
    os.fstat(handle.fd)
assert events == ["closed"], events
with Tiny() as tiny:
    tiny.file.write("x")
assert tiny.file.closed
handle.close()
assert events == ["closed"], "close() after the block does nothing"
print("ok")

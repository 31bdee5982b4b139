# A `__del__` that returns early when the object holds no descriptor: an object without one is collected silently (no `ResourceWarning` for nothing held), one with a descriptor still has it closed when collected, and `with` closes it at the end of the block, once.
import gc
import os
import sys
import tempfile
import warnings

unraisable = []
sys.unraisablehook = unraisable.append


class Reader:
    def __init__(self, path=None):
        self.fd = os.open(path, os.O_RDONLY) if path else None

    def __del__(self):
        if self.fd is None:
            return
        os.close(self.fd)


def is_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


handle, path = tempfile.mkstemp()
os.close(handle)
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    Reader()
    gc.collect()

    forgotten = Reader(path)
    fd = forgotten.fd
    del forgotten
    gc.collect()
    assert not is_open(fd), "closed when the object is collected"

    with Reader(path) as reader:
        fd = reader.fd
        assert is_open(fd)
    assert not is_open(fd), "closed at the end of the with block"
    del reader
    gc.collect()
os.unlink(path)
assert caught == [], caught
assert unraisable == [], [hook.exc_value for hook in unraisable]
print("ok")

# Code that never uses `with` or `close()` still has its descriptor closed when the object is collected, and now hears of it through a `ResourceWarning`; `close()` releases once (a second call does not close a reused descriptor) and silences the warning.
import gc
import os
import tempfile
import warnings


class Reader:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)

    def read(self, size):
        return os.read(self.fd, size)

    def __del__(self):
        os.close(self.fd)


def is_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


folder = tempfile.mkdtemp()
path = os.path.join(folder, "data.txt")
with open(path, "w") as file:
    file.write("hello")

warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    reader = Reader(path)
    assert reader.read(5) == b"hello"
    fd = reader.fd
    del reader
    gc.collect()
    assert not is_open(fd), "the descriptor is closed when the object is collected"
assert [warning.category for warning in caught] == [ResourceWarning], caught

with warnings.catch_warnings(record=True) as caught:
    reader = Reader(path)
    fd = reader.fd
    reader.close()
    assert not is_open(fd)
    other = os.open(path, os.O_RDONLY)  # may reuse the number `fd` had
    reader.close()
    del reader
    gc.collect()
    assert is_open(other), "a second close() closed a descriptor it did not own"
    os.close(other)
assert caught == [], caught
print("ok")

# `with Reader(p) as r:` closes at the end of the block and when it raises (the exception propagates); the object is not closed again, nor warned about, when it is collected.
import gc
import os
import sys
import tempfile
import warnings

unraisable = []
sys.unraisablehook = unraisable.append
closed = []


class Reader:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self):
        os.close(self.fd)
        closed.append(self.fd)


folder = tempfile.mkdtemp()
path = os.path.join(folder, "data.txt")
with open(path, "w") as file:
    file.write("hello")

warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    with Reader(path) as reader:
        assert os.read(reader.fd, 5) == b"hello"
        assert closed == []
    assert closed == [reader.fd]

    try:
        with Reader(path) as failing:
            raise KeyError("boom")
    except KeyError as error:
        assert error.args == ("boom",), "the exception propagates unchanged"
    else:
        raise AssertionError("the exception was swallowed")
    assert closed == [reader.fd, failing.fd]

    del reader, failing
    gc.collect()
assert len(closed) == 2, f"closed again when collected: {closed}"
assert caught == [], caught
assert unraisable == [], [hook.exc_value for hook in unraisable]
print("ok")

# A subclass whose `__del__` calls `super().__del__()` still releases the base's descriptor when it is collected (with a `ResourceWarning`), and after a `with` block the chain runs without closing twice.
import gc
import os
import sys
import tempfile
import warnings

unraisable = []
sys.unraisablehook = unraisable.append
log = []


class Base:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self):
        os.close(self.fd)


class Logged(Base):
    def __del__(self):
        log.append("collected")
        super().__del__()


def is_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


folder = tempfile.mkdtemp()
path = os.path.join(folder, "data.txt")
open(path, "w").close()

warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    forgotten = Logged(path)
    fd = forgotten.fd
    del forgotten
    gc.collect()
    assert log == ["collected"]
    assert not is_open(fd), "the base's descriptor is closed through super().__del__()"
assert [warning.category for warning in caught] == [ResourceWarning], caught

with warnings.catch_warnings(record=True) as caught:
    with Logged(path) as managed:
        fd = managed.fd
    assert not is_open(fd), "the with block closes the base's descriptor"
    del managed
    gc.collect()
    assert log == ["collected", "collected"]
assert caught == [], caught
assert unraisable == [], [hook.exc_value for hook in unraisable]
print("ok")

# A `__del__` that removes a temporary directory only when the object made one: an object without one is collected silently (no `ResourceWarning` for nothing held), one with one still has it removed when collected, and `with` removes it at the end of the block, once.
import gc
import os
import shutil
import sys
import tempfile
import warnings

unraisable = []
sys.unraisablehook = unraisable.append


class Store:
    def __init__(self, folder=None):
        self._temporary = folder is None
        self.folder = tempfile.mkdtemp() if folder is None else folder

    def __del__(self):
        if self._temporary:
            shutil.rmtree(self.folder)


warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    kept = tempfile.mkdtemp()
    Store(kept)
    gc.collect()
    assert os.path.isdir(kept), "a folder the caller gave is kept"

    forgotten = Store()
    folder = forgotten.folder
    del forgotten
    gc.collect()
    assert not os.path.isdir(folder), "removed when the object is collected"

    with Store() as store:
        folder = store.folder
        assert os.path.isdir(folder)
    assert not os.path.isdir(folder), "removed at the end of the with block"
    del store
    gc.collect()
assert caught == [], caught
assert unraisable == [], [hook.exc_value for hook in unraisable]
print("ok")

# before: passes
# An object whose `__init__` raised before it held anything: `__del__` fails as it did (an unraisable `AttributeError`), and no `ResourceWarning` claims an unclosed resource.
import gc
import os
import sys
import warnings

unraisable = []
sys.unraisablehook = unraisable.append


class Reader:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self):
        os.close(self.fd)


warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    try:
        Reader("/nonexistent/path/for/this/test")
    except FileNotFoundError:
        pass
    gc.collect()
assert caught == [], caught
assert [type(hook.exc_value) for hook in unraisable] == [AttributeError], unraisable
print("ok")

# A class whose `__del__` calls its own `close()` closes exactly once, at the end of the `with`, and not again when collected.
import gc

log = []


class Connection:
    def __init__(self, name):
        self.name = name

    def close(self):
        log.append(self.name)

    def __del__(self):
        self.close()


with Connection("a") as connection:
    assert log == []
assert log == ["a"]

try:
    with Connection("b"):
        raise ValueError("boom")
except ValueError:
    pass
else:
    raise AssertionError("the exception was swallowed")
assert log == ["a", "b"]

del connection
gc.collect()
assert log == ["a", "b"], "closed again when collected"
print("ok")

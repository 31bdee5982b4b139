# `with Resource(p) as r:` closes at the end of the block and when it raises (the exception propagates); `close()` works alone.
import os
import tempfile

closed = []


class Resource:
    def __init__(self, path):
        self.path = path
        self.file = open(path, "w")

    def write(self, text):
        self.file.write(text)

    def __del__(self):
        self.file.close()
        closed.append(self.path)


path = os.path.join(tempfile.mkdtemp(), "data.txt")

with Resource(path) as resource:
    resource.write("hello")
    assert not resource.file.closed
assert resource.file.closed
assert closed == [path]
with open(path) as check:
    assert check.read() == "hello"

try:
    with Resource(path) as failing:
        raise KeyError("boom")
except KeyError as error:
    assert error.args == ("boom",), "the exception propagates unchanged"
else:
    raise AssertionError("the exception was swallowed")
assert failing.file.closed
assert closed == [path, path]

alone = Resource(path)
alone.close()
assert alone.file.closed
assert closed == [path, path, path]
print("ok")

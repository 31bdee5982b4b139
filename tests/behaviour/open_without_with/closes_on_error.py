# The file is closed after the block, and also when the block raises (the exception still propagates).
import os
import tempfile

opened = []


def write(path, text, fail):
    f = open(path, "w")
    opened.append(f)
    f.write(text)
    if fail:
        raise ValueError("boom")
    f.write("!")
    f.close()


path = os.path.join(tempfile.mkdtemp(), "out.txt")
write(path, "hello", fail=False)
assert opened[-1].closed
with open(path) as check:
    assert check.read() == "hello!"

try:
    write(path, "partial", fail=True)
except ValueError as error:
    assert error.args == ("boom",)
else:
    raise AssertionError("the exception was swallowed")
assert opened[-1].closed, "the file stays open after the exception"
with open(path) as check:
    assert check.read() == "partial", "the buffered text was not flushed"
print("ok")

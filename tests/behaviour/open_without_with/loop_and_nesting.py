# Files opened in a loop body and nested in one block are all closed, in reverse order, also when a later step raises.
import io
import os
import tempfile

folder = tempfile.mkdtemp()
for name in "abc":
    out = io.open(os.path.join(folder, name), "w")
    out.write(name * 3)
    out.close()

seen = []


def merge(first_path, second_path, fail):
    first = open(first_path)
    second = open(second_path)
    seen.extend([first, second])
    text = first.read() + second.read()
    if fail:
        raise OSError("disk full")
    second.close()
    first.close()
    return text


assert merge(os.path.join(folder, "a"), os.path.join(folder, "b"), False) == "aaabbb"
assert all(f.closed for f in seen)
seen.clear()
try:
    merge(os.path.join(folder, "a"), os.path.join(folder, "c"), True)
except OSError:
    pass
assert len(seen) == 2 and all(f.closed for f in seen), "files left open after the error"
print("ok")

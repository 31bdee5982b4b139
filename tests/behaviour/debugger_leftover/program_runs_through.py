# The program no longer stops: the leftover `import pdb; pdb.set_trace()` and
# the `breakpoint()` under a plain condition go, and the code still computes
# the same results. (`Pdb.set_trace` is replaced to record each stop instead
# of waiting for commands.)
import pdb

stops = []
pdb.Pdb.set_trace = lambda self, *args, **kwargs: stops.append("stopped")


def total(items):
    import pdb; pdb.set_trace()
    return sum(items)


def parse(lines):
    rows = []
    for line in lines:
        if line.startswith("#"):
            breakpoint()
        rows.append(line.strip("#"))
    return rows


assert total([1, 2]) == 3
assert parse(["#a", "b"]) == ["a", "b"]
assert stops == [], stops
print("ok")

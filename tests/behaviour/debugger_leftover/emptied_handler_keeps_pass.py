# A handler whose only statement was the leftover keeps a `pass`: the module
# still compiles, and the failure is handled as before, without a stop.
import pdb

stops = []
pdb.Pdb.set_trace = lambda self, *args, **kwargs: stops.append("stopped")


def load(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        import pdb; pdb.set_trace()


assert load("/nonexistent/folder/file.txt") is None
assert stops == [], stops
print("ok")

# settings: target-version=3.8
# The widened annotations evaluate at definition time (Optional[...] imported), and the default is fresh per call.
import typing


def load(rows: typing.List[int] = [], extra: "list" = []):
    rows.append(len(rows))
    return rows


assert load() == [0]
assert load() == [0]
hints = typing.get_type_hints(load)
assert hints["rows"] == typing.Optional[typing.List[int]], hints
print("ok")

# Defaults land where Python puts them: *args still collects every positional
# argument, **kwargs every keyword; the loop variable is bound by keyword.
collectors = []
for i in range(3):
    collectors.append(lambda *args: (args, i))
assert [c(7, 8) for c in collectors] == [((7, 8), 0), ((7, 8), 1), ((7, 8), 2)]

options = []
for i in range(2):
    options.append(lambda **kwargs: (sorted(kwargs), i))
assert [o(a=1) for o in options] == [(["a"], 0), (["a"], 1)]

both = []
for i in range(2):
    def both_kinds(first, *rest, **named):
        return first, rest, named, i
    both.append(both_kinds)
assert both[0](1, 2, x=3) == (1, (2,), {"x": 3}, 0)
assert both[1](1) == (1, (), {}, 1)
print("ok")

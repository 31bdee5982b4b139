# Closures made in a loop return 0, 1, 2: each sees the value of its own iteration.
funcs = [lambda: i for i in range(3)]
assert [f() for f in funcs] == [0, 1, 2], [f() for f in funcs]

adders = [lambda x: x + i for i in range(3)]
assert [add(10) for add in adders] == [10, 11, 12]

handlers = []
for n in range(3):
    def handler(scale=10):
        return n * scale
    handlers.append(handler)
assert [h() for h in handlers] == [0, 10, 20]
assert handlers[2](scale=1) == 2, "explicit arguments still work"

pairs = []
for key, value in {"a": 1, "b": 2}.items():
    pairs.append(lambda: (key, value))
assert [p() for p in pairs] == [("a", 1), ("b", 2)]

grid = [lambda: (row, col) for row in range(2) for col in range(2)]
assert [g() for g in grid] == [(0, 0), (0, 1), (1, 0), (1, 1)]

nested = []
for outer in range(2):
    for inner in range(2):
        nested.append(lambda: outer * 10 + inner)
assert [f() for f in nested] == [0, 1, 10, 11]
print("ok")

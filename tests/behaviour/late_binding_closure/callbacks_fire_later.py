# Closures that escape their iteration (registered, stored, handed to a
# thread, kept for the next iteration) see their own iteration's value.
import threading


class Signal:
    def __init__(self):
        self.slots = []

    def connect(self, slot):
        self.slots.append(slot)

    def emit(self):
        return [slot() for slot in self.slots]


clicked = Signal()
for label in ["open", "save", "quit"]:
    clicked.connect(lambda: label)
assert clicked.emit() == ["open", "save", "quit"], clicked.emit()


class Menu:
    def __init__(self, names):
        self.actions = {}
        for name in names:
            def action(times=1):
                return name * times

            self.actions[name] = action


menu = Menu(["a", "b"])
assert menu.actions["a"]() == "a", menu.actions["a"]()
assert menu.actions["b"](times=2) == "bb"

results = {}
threads = []
for k in range(3):
    worker = threading.Thread(target=lambda: results.__setitem__(k, k))
    threads.append(worker)
for worker in threads:
    worker.start()
for worker in threads:
    worker.join()
assert results == {0: 0, 1: 1, 2: 2}, results

log = []
previous = None
for step in range(3):
    if previous is not None:
        log.append(previous())  # the closure made by the iteration before
    previous = lambda: step  # noqa: E731
assert log == [0, 1], log

# Called in its own iteration: right already, and left alone.
seen = []
for n in range(3):
    def record():
        seen.append(n)

    record()
assert seen == [0, 1, 2]
print("ok")

# Two calls no longer share one list, dict or deque.
from collections import deque


def add(item, items=[]):
    """Append and return."""
    items.append(item)
    return items


def count(word, counts: dict = {}): counts[word] = counts.get(word, 0) + 1; return counts


class Queue:
    def push(self, value, *, pending=deque()):
        pending.append(value)
        return pending


assert add(1) == [1]
assert add(2) == [2], "the second call saw the first call's list"
assert count("a") == {"a": 1}
assert count("b") == {"b": 1}
assert list(Queue().push(1)) == [1]
assert list(Queue().push(2)) == [2]
# An explicit argument is still used as given.
mine = [0]
assert add(1, mine) is mine and mine == [0, 1]
assert add.__doc__ == "Append and return."
print("ok")

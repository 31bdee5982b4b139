# `0.1 + 0.2 == 0.3` is False in binary floating point: after the fix the comparison
# holds for the sums the code means, and `!=` stops reporting a difference that is only rounding.


def is_full(used, free):
    return used + free == 0.3


def over_budget(spent, extra):
    if spent + extra != 0.3:
        return True
    return False


def scaled(x, y):
    return x * 0.1 == y


assert is_full(0.1, 0.2)
assert not over_budget(0.1, 0.2)
assert scaled(3, 0.3)
assert not is_full(0.1, 0.3)
print("ok")

"""A stand-in for numpy that says when it is imported."""
import sys

print("[heavy module numpy imported]", file=sys.stderr)


def zeros(count):
    return [0.0] * count


def mean(values):
    return sum(values) / len(values)


__version__ = "0.0-stand-in"


class ndarray:
    pass

# Relative imports between siblings: importing `left` first fails, while
# `right` first works (left finds right half run but only keeps the module).
# fixed: every order imports
# file: lib/__init__.py
# file: lib/left.py
from . import right


def f():
    return right.g()
# file: lib/right.py
from .left import f


def g():
    return f

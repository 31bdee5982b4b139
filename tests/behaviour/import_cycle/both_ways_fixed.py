# A plain cycle of absolute `from` imports, each read only at call time:
# whichever module is imported first, the other reads a name it has not
# bound yet. Both imports move into the functions that read them.
# fixed: every order imports
# file: app/__init__.py
# file: app/a.py
from app.b import helper


def run():
    return helper()
# file: app/b.py
from app.a import run


def helper():
    return 1


def again():
    return run()

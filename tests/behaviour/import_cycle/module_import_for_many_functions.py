# `store` imports `api` as a module; `api` reads names from `store`, in
# five functions, more than a move reaches. Importing `store` first fails:
# `api` asks for `load` while `store` is half run. The fix imports the
# module instead (`from . import store`) and reads `store.load` at call
# time; every order imports after it.
# fixed: every order imports
# file: svc/__init__.py
# file: svc/api.py
from .store import load, save as put


def get(key):
    return load(key)


def set_(key, value):
    return put(key, value)


def copy(source, target):
    return put(target, load(source))


def exists(key):
    return load(key) is not None


def names():
    return [load.__name__, put.__name__]
# file: svc/store.py
from . import api

DATA = {}


def load(key):
    return DATA.get(key)


def save(key, value):
    DATA[key] = value
    return api.get(key)

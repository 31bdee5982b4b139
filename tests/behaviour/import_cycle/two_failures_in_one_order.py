# Importing `db.utils` first fails at two imports, one after the other:
# `ops` reads `Mapper` from the half-run `utils`, and once that import
# waits for its call, `base` reads `when`. Both are fixed in one run, so
# every order imports.
# fixed: every order imports
# file: db/__init__.py
# file: db/utils.py
from db.base import Driver


class Mapper:
    driver = Driver


def when():
    return 0
# file: db/base.py
Driver = object
from db.ops import Ops
from db.utils import when


class Connection:
    ops_class = Ops

    def connect(self):
        return when()
# file: db/ops.py
from db.utils import Mapper


class Ops:
    def insert(self):
        return Mapper

# Through `__init__.py` with relative imports: the package fails to import
# in every order, since its submodules import it first.
# fixed: every order imports
# file: pkg/__init__.py
from .core import run

VERSION = "1.0"
# file: pkg/core.py
from . import util


def run():
    return util.version()
# file: pkg/util.py
from pkg import VERSION


def version():
    return VERSION

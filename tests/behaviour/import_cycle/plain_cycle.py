# A cycle of plain imports used only at call time: reported as a cycle,
# and every module imports whichever comes first.
# file: app/__init__.py
# file: app/a.py
import app.b


def run():
    return app.b.helper()
# file: app/b.py
import app.a


def helper():
    return 1

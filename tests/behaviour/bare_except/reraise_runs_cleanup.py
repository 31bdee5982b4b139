# before: passes
# A handler that re-raises becomes `except BaseException:` (a safe fix): its cleanup still runs on KeyboardInterrupt, which still propagates.
cleaned = []


def work(error):
    try:
        raise error
    except:
        cleaned.append(error)
        raise


for error in (KeyboardInterrupt, SystemExit, ValueError):
    try:
        work(error)
    except BaseException as caught:
        assert isinstance(caught, error), caught
    else:
        raise AssertionError("nothing propagated")
assert cleaned == [KeyboardInterrupt, SystemExit, ValueError], cleaned
print("ok")

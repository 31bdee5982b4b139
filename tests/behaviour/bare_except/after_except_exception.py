# before: passes
# A bare `except:` after `except Exception:` becomes `except BaseException:` (a safe fix): it still catches what the first handler leaves, KeyboardInterrupt and SystemExit.
stopped = []


def serve(error):
    try:
        raise error
    except Exception:
        return "failed"
    except:
        stopped.append(error)
        return "stopped"


assert serve(ValueError) == "failed"
assert serve(KeyboardInterrupt) == "stopped"
assert serve(SystemExit) == "stopped"
assert stopped == [KeyboardInterrupt, SystemExit]
print("ok")

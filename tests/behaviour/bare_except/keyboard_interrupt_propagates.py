# KeyboardInterrupt and SystemExit now propagate out of handlers that were bare; ordinary errors are still caught.
import logging

logging.getLogger().addHandler(logging.NullHandler())


def step(error):
    raise error


def run(error):
    try:
        step(error)
    except:
        return "handled"


def run_quietly(errors):
    done = 0
    for error in errors:
        try:
            step(error)
        except:
            continue
        done += 1
    return done


assert run(ValueError("x")) == "handled"
assert run_quietly([ValueError, OSError]) == 0
for error in (KeyboardInterrupt, SystemExit):
    for call in (lambda: run(error), lambda: run_quietly([ValueError, error])):
        try:
            call()
        except error:
            pass
        else:
            raise AssertionError(f"{error.__name__} was swallowed")
print("ok")

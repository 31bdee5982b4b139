# A module that imports logging but has no logger gets one, named after the module, that receives the record; the root logger is not configured (no `logging.exception`), and KeyboardInterrupt still propagates.
import logging
import sys


def publish(event):
    try:
        event.publish()
    except Exception:  # TODO: report the failure
        pass


class Event:
    def __init__(self, error):
        self.error = error

    def publish(self):
        raise self.error


logging_module = logging
seen = []
module_logger = logging_module.getLogger("__main__")
module_logger.addHandler(type("H", (logging_module.Handler,), {"emit": lambda self, r: seen.append(r)})())
module_logger.propagate = False

publish(Event(ValueError("bad payload")))
assert len(seen) == 1, seen
assert seen[0].name == "__main__" and seen[0].exc_info[0] is ValueError
assert seen[0].getMessage() == "Failed to publish event", seen[0].getMessage()
assert not logging_module.getLogger().handlers, "the root logger was configured"
try:
    publish(Event(KeyboardInterrupt()))
except KeyboardInterrupt:
    pass
else:
    raise AssertionError("KeyboardInterrupt was swallowed")
print("ok")

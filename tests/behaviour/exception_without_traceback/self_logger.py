# `self.logger`, set from `logging.getLogger` in `__init__`, is seen as a logger: its `.error()` in a catch-all handler now carries the traceback.
import logging

records = []


class Service:
    def __init__(self):
        self.logger = logging.getLogger("service")
        self.logger.addHandler(type("Capture", (logging.Handler,), {"emit": lambda s, r: records.append(r)})())
        self.logger.propagate = False

    def run(self, job):
        try:
            job()
        except Exception as e:
            self.logger.error("job failed: %s", e.args)


def job():
    raise LookupError("no such job")


Service().run(job)
assert len(records) == 1, records
assert records[0].exc_info and records[0].exc_info[0] is LookupError, records[0].exc_info
assert records[0].getMessage() == "job failed: ('no such job',)"
print("ok")

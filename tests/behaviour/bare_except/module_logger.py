# The module's own logger (bound as LOG, with `logging` imported as `lg`) receives the record; the root logger is left alone.
import logging as lg

LOG = lg.getLogger("app.worker")
records = []


class Capture(lg.Handler):
    def emit(self, record):
        records.append(record)


LOG.addHandler(Capture())
LOG.propagate = False


class Client:
    def refresh(self):
        raise ConnectionError("down")


def fetch(client):
    try:
        client.refresh()
    except:
        pass


assert fetch(Client()) is None
assert [r.name for r in records] == ["app.worker"], records
assert records[0].levelno == lg.ERROR and records[0].exc_info[0] is ConnectionError
assert records[0].getMessage() == "Failed to refresh client", records[0].getMessage()
# `logging.exception` would have configured the root logger; the module's logger does not.
assert not lg.getLogger().handlers
print("ok")

# The same with a ProcessPoolExecutor imported by name, its arguments over
# several lines: forked while a thread holds a lock, its worker cannot take
# that lock; with `mp_context=` a "spawn" context, it can.
import threading
from concurrent.futures import ProcessPoolExecutor

LOCK = threading.Lock()
held = threading.Event()
release = threading.Event()


def holder():
    with LOCK:
        held.set()
        release.wait()


def square_under_lock(n):
    if not LOCK.acquire(timeout=0.5):
        return "the lock is held by a thread the child does not have"
    LOCK.release()
    return n * n


def main():
    worker = threading.Thread(target=holder, daemon=True)
    worker.start()
    held.wait()
    with ProcessPoolExecutor(
        max_workers=1,
    ) as pool:
        results = list(pool.map(square_under_lock, range(4)))
    release.set()
    worker.join()
    assert results == [0, 1, 4, 9], results


if __name__ == "__main__":
    main()

# A thread holds a lock while the pool is created. Forked, the child gets
# a copy of that lock, locked, and nobody in the child will release it: it
# cannot take the lock (a real program hangs there). Fixed, the pool uses
# the "spawn" start method: the child imports the module afresh, takes its
# own lock, and computes the same results.
import multiprocessing
import threading

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
    with multiprocessing.Pool(1) as pool:
        results = pool.map(square_under_lock, range(4))
    release.set()
    worker.join()
    assert results == [0, 1, 4, 9], results


if __name__ == "__main__":
    main()

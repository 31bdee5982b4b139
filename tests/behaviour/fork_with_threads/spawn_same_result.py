# The pool is created while a thread is running; fixed, it uses the "spawn"
# start method: the children compute the same results, and they start from
# a fresh import (a global the parent changed at run time is not copied).
import multiprocessing
import threading

stop = threading.Event()
SEEN_BY_CHILD = "fresh import"


def heartbeat():
    while not stop.wait(0.01):
        pass


def square(n):
    return n * n, SEEN_BY_CHILD


def main():
    global SEEN_BY_CHILD
    SEEN_BY_CHILD = "copied from the forking parent"
    beat = threading.Thread(target=heartbeat, daemon=True)
    beat.start()
    with multiprocessing.Pool(1) as pool:
        results = pool.map(square, range(4))
    stop.set()
    assert [value for value, _ in results] == [0, 1, 4, 9], results
    # Fork copies the parent, its running thread's locks included.
    assert {seen for _, seen in results} == {"fresh import"}, results


if __name__ == "__main__":
    main()

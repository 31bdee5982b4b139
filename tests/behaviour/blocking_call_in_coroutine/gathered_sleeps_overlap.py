# Two coroutines that sleep, gathered, take about one sleep once the sleep
# awaits (the loop runs the other meanwhile), where time.sleep() took two.
import asyncio
import time

DELAY = 0.2


async def worker(results, name):
    time.sleep(DELAY)
    results.append(name)


async def main():
    results = []
    started = time.monotonic()
    await asyncio.gather(worker(results, "a"), worker(results, "b"))
    return sorted(results), time.monotonic() - started


results, elapsed = asyncio.run(main())
assert results == ["a", "b"]
# One sleep is 0.2 s, two are 0.4 s: 0.35 s leaves room for a loaded machine.
assert elapsed < 0.35, f"the sleeps ran one after the other: {elapsed:.2f} s"
print("ok")

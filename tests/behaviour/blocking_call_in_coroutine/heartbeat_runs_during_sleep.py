# A heartbeat task keeps beating while another coroutine sleeps, once the
# sleep awaits; time.sleep() froze the whole loop, heartbeat included.
import asyncio
from asyncio import create_task
from time import sleep

beats = []


async def heartbeat():
    while True:
        beats.append(1)
        await asyncio.sleep(0.02)


async def slow_handler():
    sleep(0.3)


async def main():
    beat = create_task(heartbeat())
    await asyncio.sleep(0)  # let the heartbeat start
    before = len(beats)
    await slow_handler()
    during = len(beats) - before
    beat.cancel()
    return during


during = asyncio.run(main())
# About 15 beats fit in 0.3 s; a frozen loop gives none.
assert during >= 3, f"the loop was blocked: {during} beats during the sleep"
print("ok")

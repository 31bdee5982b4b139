# run_until_complete() on the loop running the coroutine raises
# RuntimeError (the loop is already running); awaiting the argument runs it.
import asyncio


async def compute(n):
    await asyncio.sleep(0)
    return n * 2


async def handler(values):
    loop = asyncio.get_running_loop()
    results = loop.run_until_complete(asyncio.gather(*(compute(n) for n in values)))
    return sum(results)


assert asyncio.run(handler([1, 2, 3])) == 12
print("ok")

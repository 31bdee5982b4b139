# A coroutine that calls asyncio.run() raises RuntimeError (a loop is
# already running); once the coroutine is awaited, it returns the value.
import asyncio


async def fetch_token(client_id):
    await asyncio.sleep(0)
    return f"token-{client_id}"


async def refresh(client_id):
    token = asyncio.run(fetch_token(client_id))
    return token.upper()


async def main():
    return await asyncio.gather(refresh(1), refresh(2))


assert asyncio.run(main()) == ["TOKEN-1", "TOKEN-2"]
print("ok")

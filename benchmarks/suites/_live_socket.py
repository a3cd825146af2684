"""Live streams through the running appliance, as programs send them: `ws/live/` on daphne, the
`manage.py live_engine` process behind it over Redis, a `websockets` client with an API token in
the Authorization header and no Origin header (the docs' Python client)."""
import asyncio
import json
import subprocess
import sys
import time

from appliance.plumbing.run import REPOSITORY_ROOT

READY_TIMEOUT_SECONDS = 180
SAVED_TIMEOUT_SECONDS = 600


def create_api_token(appliance):
    """A token for the appliance's admin (create_api_token prints it on its last line)."""
    created = subprocess.run(
        [sys.executable, str(REPOSITORY_ROOT / "manage.py"), "create_api_token", "admin", "--name", "live benchmark"],
        env=appliance.supervisor.env, cwd=REPOSITORY_ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return created.stdout.strip().splitlines()[-1]


def socket_url(appliance):
    return appliance.supervisor.url.replace("http://", "ws://") + "ws/live/"


async def _open(url, token, model):
    """A connection with a started session; retries while the live engine is still loading."""
    import websockets

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        socket = await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None)
        await socket.send(json.dumps({"type": "start", "model": model, "language": "en"}))
        event = json.loads(await asyncio.wait_for(socket.recv(), READY_TIMEOUT_SECONDS))
        if event["type"] == "ready":
            return socket
        await socket.close()
        if event.get("code") != "engine_unavailable" or time.monotonic() > deadline:
            raise RuntimeError(f"the live session did not start: {event}")
        await asyncio.sleep(1)


async def stream(url, token, model, frames, frame_seconds, delay, on_event):
    """Sends `frames` at real-time pace after `delay` s, passes every event to
    on_event(event, monotonic time) until `saved`; returns the monotonic time the audio began."""
    await asyncio.sleep(delay)
    socket = await _open(url, token, model)
    try:
        async def read():
            async for message in socket:
                event = json.loads(message)
                on_event(event, time.monotonic())
                if event["type"] == "saved":
                    return

        reader = asyncio.ensure_future(read())
        loop = asyncio.get_running_loop()
        began, started = loop.time(), time.monotonic()
        for index, frame in enumerate(frames):
            wait = began + index * frame_seconds - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await socket.send(frame)
        await socket.send(json.dumps({"type": "stop"}))
        await asyncio.wait_for(reader, SAVED_TIMEOUT_SECONDS)
        return started
    finally:
        await socket.close()


def warm_up(url, token, model):
    """One short session first: the engine has its model loaded and its imports done."""
    silence = b"\x00\x00" * 3200
    asyncio.run(stream(url, token, model, [silence] * 5, 0.2, 0, lambda event, now: None))

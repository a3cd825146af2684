"""A test client for ws/live/: one browser tab streaming PCM16 through the real ASGI stack."""
import asyncio
import time

from channels.testing import WebsocketCommunicator
from django.conf import settings

SAMPLE_RATE = 16000
FRAME_SECONDS = 0.2


def session_cookie(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class LiveClient:
    """One browser tab: a WebSocket to /ws/live/ through the project's real ASGI application."""

    def __init__(self, cookie=None, origin="http://localhost", token=None):
        from appliance.asgi import application

        headers = [(b"host", b"localhost")]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        if origin:
            headers.append((b"origin", origin.encode()))
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        self.communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        self.events = []  # (monotonic arrival time, event)

    async def connect(self):
        connected, _ = await self.communicator.connect(timeout=10)
        return connected

    async def start(self, **options):
        await self.communicator.send_json_to({"type": "start", "model": "tiny.en", **options})
        return await self.next_event(timeout=60)

    async def send_audio(self, data):
        await self.communicator.send_to(bytes_data=data)

    async def send_text(self, text):
        await self.communicator.send_to(text_data=text)

    async def send_json(self, message):
        await self.communicator.send_json_to(message)

    async def next_event(self, timeout=60):
        event = await self.communicator.receive_json_from(timeout=timeout)
        self.events.append((time.monotonic(), event))
        return event

    async def next_event_of(self, kind, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            event = await self.next_event(timeout=max(0.1, deadline - time.monotonic()))
            if event["type"] == kind:
                return event

    async def wait_for(self, kind, timeout=60):
        """Until an event of `kind` was read (by an EventReader running meanwhile)."""
        deadline = time.monotonic() + timeout
        while not self.of_type(kind):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {kind} event within {timeout} s")
            await asyncio.sleep(0.05)
        return self.of_type(kind)[0]

    async def stream(self, frames, speed=1.0):
        """Sends frames paced at `speed` times real time while reading events."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        for index, frame in enumerate(frames):
            delay = began + index * FRAME_SECONDS / speed - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.send_audio(frame)
        return began

    async def stop_and_wait_saved(self, timeout=120):
        await self.send_json({"type": "stop"})
        return await self.next_event_of("saved", timeout=timeout)

    async def close(self):
        await self.communicator.disconnect()

    def of_type(self, kind):
        return [event for _, event in self.events if event["type"] == kind]

    def committed_text(self):
        return " ".join(event["text"] for event in self.of_type("final"))


class EventReader:
    """Reads a client's events in the background while the test sends audio."""

    def __init__(self, client, until="saved"):
        self.client = client
        self.until = until
        self.task = asyncio.ensure_future(self._read())

    async def _read(self):
        while True:
            event = await self.client.next_event(timeout=180)
            if event["type"] == self.until:
                return event

    async def result(self, timeout=180):
        return await asyncio.wait_for(self.task, timeout)

"""ws/live/: relays one browser's live session between the client and the live engine process.

Thin on purpose: it checks who is asking and that messages have the right shape, and forwards;
audio, inference, limits and saving belong to the engine (appliance.runtime.live_server).
The origin check is the project's OriginOrTokenValidator around every WebSocket route."""
import asyncio
import json

from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer
from asgiref.sync import sync_to_async
from django.conf import settings

from appliance.live.auth import accepted_subprotocol, authenticated_user
from appliance.runtime.presence import live_engine_running
from appliance.live.protocol import ENGINE_CHANNEL, ProtocolError, error_event, parse_client_text

CLOSE_UNAUTHENTICATED = 4401
# A start waits this long for the engine (which may be loading a large model) before giving up.
READY_TIMEOUT_SECONDS = 120


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.session_id = None
        self.engine_channel = None
        self.starting = False
        self.ready_timer = None
        self.user = await authenticated_user(self.scope)
        # Accepted before refusing, so the page can tell "log in again" from a network failure.
        await self.accept(subprotocol=accepted_subprotocol(self.scope))
        if self.user is None:
            await self.send_event(error_event("unauthenticated", "Log in first (session cookie or API token)."))
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def disconnect(self, code):
        if self.ready_timer is not None:
            self.ready_timer.cancel()
        if self.session_id is not None:
            # Not a stop: the engine keeps the session for a short grace time, so a client that
            # reconnects can resume it; after that it is saved like a stopped one.
            await self.to_engine("live.detach")

    async def receive(self, text_data=None, bytes_data=None):
        if getattr(self, "user", None) is None:
            return
        if bytes_data is not None:
            await self.audio(bytes_data)
            return
        try:
            message = parse_client_text(text_data)
        except ProtocolError as error:
            await self.send_event(error_event(error.code, error.message))
            return
        if message["type"] == "start":
            await self.start(message)
        else:
            await self.stop()

    async def start(self, message):
        if self.session_id is not None or self.starting:
            await self.send_event(error_event("already_started", "This connection already has a live session."))
            return
        if not await sync_to_async(live_engine_running, thread_sensitive=False)():
            await self.send_event(
                error_event("engine_unavailable", "The live engine is not running; ask an administrator.")
            )
            return
        self.starting = True
        await self.channel_layer.send(
            ENGINE_CHANNEL,
            {
                "type": "live.open",
                "reply_to": self.channel_name,
                "owner": self.user.pk,
                "options": {
                    "model": message.get("model") or settings.DEFAULT_MODEL,
                    "language": message.get("language") or "auto",
                    "task": message.get("task") or "transcribe",
                },
                "resume": message.get("resume"),
            },
        )
        self.ready_timer = asyncio.ensure_future(self.give_up_waiting())

    async def audio(self, data):
        if self.session_id is None:
            await self.send_event(
                error_event("not_started", "Send a start message and wait for ready before sending audio.")
            )
            return
        try:
            await self.to_engine("live.audio", pcm=data)
        except ChannelFull:
            await self.send_event(error_event("overloaded", "The live engine is overloaded; this frame was dropped."))

    async def stop(self):
        if self.session_id is None:
            await self.send_event(error_event("not_started", "There is no live session to stop."))
            return
        await self.to_engine("live.stop")

    async def give_up_waiting(self):
        await asyncio.sleep(READY_TIMEOUT_SECONDS)
        self.starting = False
        await self.send_event(error_event("engine_unavailable", "The live engine did not answer; try again."))

    async def to_engine(self, kind, **fields):
        await self.channel_layer.send(self.engine_channel, {"type": kind, "session": self.session_id, **fields})

    async def send_event(self, event):
        await self.send(text_data=json.dumps(event, separators=(",", ":")))

    # From the engine --------------------------------------------------------------------------

    async def live_ready(self, message):
        self.stop_waiting()
        self.session_id = message["session"]
        self.engine_channel = message["engine"]
        await self.send_event(message["event"])

    async def live_refused(self, message):
        self.stop_waiting()
        await self.send_event(message["event"])

    async def live_event(self, message):
        if message.get("session") != self.session_id:
            return  # a late event of a session this connection has left
        event = message["event"]
        if event["type"] == "saved":
            # The session is over; the connection may start another.
            self.session_id = None
            self.engine_channel = None
        await self.send_event(event)

    def stop_waiting(self):
        self.starting = False
        if self.ready_timer is not None:
            self.ready_timer.cancel()
            self.ready_timer = None

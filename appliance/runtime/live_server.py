"""The live engine process: carries messages between the consumers (over the Channels layer on
Redis) and the LiveEngine that owns the models, and saves finished sessions.

Starts arrive on the shared channel ENGINE_CHANNEL; the engine answers `ready` with its own
channel, where the session's frames, stop and detach go from then on (so several engines can
share one Redis). One asyncio loop receives; one worker thread runs the batched steps."""
import asyncio
import logging
import time

from channels.db import database_sync_to_async
from redis.exceptions import TimeoutError as RedisTimeoutError

from appliance.engine.live.window_decoder import SAMPLE_RATE
from appliance.engine.live.live_engine import LiveEngineError, LiveOptions
from appliance.engine.live.local_agreement import join_words
from appliance.engine.live.streaming import StreamError
from appliance.live.protocol import ENGINE_CHANNEL, error_event
from appliance.live.services import save_live_session

logger = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.05
# Session counts reach the presence record this often (the consumer and /metrics read them).
REPORT_SECONDS = 1


class LiveEngineServer:
    def __init__(self, engine, channel_layer, presence, default_model="tiny.en", save_session=save_live_session):
        self.engine = engine
        self.layer = channel_layer
        self.presence = presence  # this process's record in appliance.runtime.presence (role "live")
        self.default_model = default_model
        self.save_session = save_session
        self.channel = None
        self.reply_channels: dict[str, str] = {}
        self._wake = None
        self._stopping = False

    async def run(self, stop: asyncio.Event) -> None:
        self._wake = asyncio.Event()
        self.channel = await self.layer.new_channel("live.engine.")
        workers = [
            asyncio.ensure_future(self._receive_loop(ENGINE_CHANNEL)),
            asyncio.ensure_future(self._receive_loop(self.channel)),
            asyncio.ensure_future(self._step_loop()),
            asyncio.ensure_future(self._housekeeping_loop()),
        ]
        logger.info("live engine ready on %s (at most %d sessions)", self.channel, self.engine.max_sessions)
        try:
            await stop.wait()
            logger.info("live engine stopping: saving %d open sessions", self.engine.session_count)
        finally:
            self._stopping = True
            for worker in workers:
                worker.cancel()
            # A cancel can be lost inside the Redis client (it turns into a read timeout); the
            # loops also check _stopping, and nothing waits on them for long.
            await asyncio.wait(workers, timeout=10)
            await self._shut_down()

    async def _receive_loop(self, channel):
        while not self._stopping:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except RedisTimeoutError:
                # redis-py 8 gives up a read after 5 s, as long as channels-redis blocks waiting
                # for a message: an idle channel, not a fault.
                continue
            except Exception:
                # Redis restarting must not end the loop: the engine would stop hearing anyone.
                logger.warning("live engine could not read %s; retrying", channel, exc_info=True)
                await asyncio.sleep(0.5)
                continue
            try:
                await self._handle(message)
            except Exception:
                logger.exception("live engine could not handle %s", message.get("type"))

    async def _handle(self, message):
        kind = message.get("type")
        if kind == "live.open":
            await self._open(message)
            return
        session_id = message.get("session")
        if session_id not in self.reply_channels:
            return  # a frame or stop that raced the end of its session
        try:
            if kind == "live.audio":
                self.engine.receive(session_id, message["pcm"])
            elif kind == "live.stop":
                self.engine.stop(session_id)
            elif kind == "live.detach":
                self.engine.detach(session_id)
        except (StreamError, LiveEngineError) as error:
            await self._send(session_id, error_event(error.code, str(error)))
        self._wake.set()

    async def _open(self, message):
        reply_to = message["reply_to"]
        owner = message["owner"]
        resume = message.get("resume")
        try:
            options = LiveOptions.from_message(message.get("options") or {}, self.default_model)
            if resume:
                committed = self.engine.resume(resume, owner)
                session_id = resume
            else:
                committed = []
                session_id = await asyncio.to_thread(self.engine.open, owner, options)
        except LiveEngineError as error:
            await self.layer.send(reply_to, {"type": "live.refused", "event": error_event(error.code, str(error))})
            return
        self.reply_channels[session_id] = reply_to
        logger.info("live session %s %s (%s, %s)", session_id, "resumed" if resume else "opened", options.model,
                    options.language or "auto")
        ready = {
            "type": "ready",
            "session": session_id,
            "sample_rate": SAMPLE_RATE,
            "model": options.model,
            "language": options.language or "auto",
            "task": options.task,
            "resumed": bool(resume),
            "committed_text": join_words(committed),
        }
        await self.layer.send(
            reply_to, {"type": "live.ready", "session": session_id, "engine": self.channel, "event": ready}
        )

    async def _step_loop(self):
        while not self._stopping:
            if self.engine.has_work():
                events = await asyncio.to_thread(self.engine.step)
                await self._send_all(events)
                await self._save_finished()
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    async def _housekeeping_loop(self):
        while not self._stopping:
            self.presence.update(sessions=self.engine.session_count, max_sessions=self.engine.max_sessions)
            try:
                await asyncio.to_thread(self.presence.beat)
            except Exception:  # Redis restarting must not stop the sessions; the TTL tells the rest.
                logger.warning("could not report the live engine's state", exc_info=True)
            await self._send_all(self.engine.expire())
            self._wake.set()
            await asyncio.sleep(REPORT_SECONDS)

    async def _save_finished(self):
        for finished in self.engine.pop_finished():
            try:
                job = await database_sync_to_async(self.save_session)(finished)
            except Exception:
                logger.exception("could not save live session %s", finished.session_id)
                event = error_event("save_failed", "The session could not be saved; its audio was kept for an administrator.")
            else:
                event = {
                    "type": "saved",
                    "id": str(job.public_id) if job else None,
                    "reason": finished.reason,
                    "text": finished.result.text,
                }
            await self._send(finished.session_id, event)
            self.reply_channels.pop(finished.session_id, None)

    async def _send_all(self, events):
        for session_id, event in events:
            await self._send(session_id, event)

    async def _send(self, session_id, event):
        reply_to = self.reply_channels.get(session_id)
        if reply_to is None:
            return
        try:
            await self.layer.send(reply_to, {"type": "live.event", "session": session_id, "event": event})
        except Exception:
            # A client that went away leaves a full or dead channel: its events are not needed.
            logger.debug("could not send %s to %s", event["type"], reply_to, exc_info=True)

    async def _shut_down(self):
        """Stops every session and saves what was committed (a restart must not lose text)."""
        self.engine.stop_all(reason="engine_stopped")
        deadline = time.monotonic() + 30
        while self.engine.session_count and time.monotonic() < deadline:
            events = await asyncio.to_thread(self.engine.step)
            await self._send_all(events)
            await self._save_finished()
        self.presence.update(sessions=0)

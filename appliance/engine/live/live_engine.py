"""The core of the live engine process: every live session, and the batched steps that move
them forward. Plain Python; the process around it (appliance.live) carries the messages.

Threads: frames, starts and stops come in on the event loop thread (`open`, `receive`,
`stop`, ...); `step()` runs in one worker thread and decodes, for each model, the windows of all
sessions that are ready at that moment in one batch. Back-pressure is built into the stepping:
a session that got more audio while a step ran simply has a larger new piece at the next step
(the pieces are coalesced, never queued one decode each), so lag stays about one step long."""
import logging
import threading
import time
import uuid
import wave
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from appliance.engine.models.catalog import check_model_name
from appliance.engine.errors import EngineError
from appliance.engine.live.window_decoder import SAMPLE_RATE, WindowDecoder
from appliance.engine.live.live_result import live_result
from appliance.engine.live.local_agreement import Word
from appliance.engine.transcription_options import LANGUAGE_CODES, TASKS
from appliance.engine.files.results import TranscriptionResult
from appliance.engine.live.streaming import StreamingConfig, StreamingSession, StreamTooFastError

logger = logging.getLogger(__name__)

MAX_BATCH = 16  # windows per encode/generate call; more only adds latency for the first
# A session that decodes nothing (silence) still gets `stats` this often: the client sees the
# engine is alive, and the lag it shows stays current.
STATS_EVERY_SECONDS = 2.0


class LiveEngineError(Exception):
    """A refusal the client is told about: `code` is the protocol's error code."""

    code = "engine_error"


class LiveBusyError(LiveEngineError):
    code = "busy"


class LiveOptionsError(LiveEngineError):
    code = "bad_options"


class UnknownSessionError(LiveEngineError):
    code = "unknown_session"


@dataclass(frozen=True)
class LiveOptions:
    model: str = "tiny.en"
    language: str | None = None  # None: detect
    task: str = "transcribe"

    @classmethod
    def from_message(cls, message: dict, default_model: str = "tiny.en") -> "LiveOptions":
        model = message.get("model") or default_model
        language = message.get("language") or None
        task = message.get("task") or "transcribe"
        if not all(isinstance(value, str) for value in (model, task)) or not isinstance(language, (str, type(None))):
            raise LiveOptionsError("model, language and task must be strings")
        if language == "auto":
            language = None
        try:
            check_model_name(model)
        except EngineError as error:
            raise LiveOptionsError(str(error)) from None
        if language is not None and language not in LANGUAGE_CODES:
            raise LiveOptionsError(f"Unknown language code {language!r}: use auto or an ISO code like en, de, fr.")
        if task not in TASKS:
            raise LiveOptionsError(f"Unknown task {task!r}: use transcribe or translate.")
        return cls(model, language, task)


@dataclass
class FinishedSession:
    session_id: str
    owner: object
    options: LiveOptions
    reason: str  # stopped, disconnected, idle, too_fast, failed
    result: TranscriptionResult
    audio_path: Path | None
    started_at: float  # epoch seconds

    @property
    def has_audio(self) -> bool:
        return self.audio_path is not None and self.result.duration > 0


@dataclass
class _Stream:
    session_id: str
    owner: object
    options: LiveOptions
    session: StreamingSession
    recorder: wave.Wave_write
    audio_path: Path
    started_at: float
    last_frame_at: float
    detached_at: float | None = None
    reason: str = "stopped"
    inference_seconds: float = 0.0
    device: str = ""
    compute_type: str = ""
    failed: bool = False
    last_stats_at: float = 0.0


class LiveEngine:
    def __init__(
        self,
        models,
        *,
        max_sessions: int,
        spool_dir: Path,
        config: StreamingConfig = StreamingConfig(),
        detach_grace_seconds: float = 30.0,
        idle_timeout_seconds: float = 60.0,
        max_batch: int = MAX_BATCH,
        clock=time.monotonic,
    ):
        """max_batch=1 decodes one stream at a time (the benchmark's comparison point)."""
        self.models = models  # a ModelManager: ensure_loaded(name), acquire(name)
        self.max_sessions = max_sessions
        self.spool_dir = Path(spool_dir)
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        self.config = config
        self.detach_grace_seconds = detach_grace_seconds
        self.idle_timeout_seconds = idle_timeout_seconds
        self.max_batch = max_batch
        self._clock = clock
        self._lock = threading.Lock()
        # One step at a time, whoever calls: a session's window is prepared and applied in pairs.
        self._step_lock = threading.Lock()
        self._streams: dict[str, _Stream] = {}
        self._finished: list[FinishedSession] = []

    # Event loop thread ------------------------------------------------------------------------

    @property
    def session_count(self) -> int:
        with self._lock:
            return len(self._streams)

    def open(self, owner, options: LiveOptions) -> str:
        """Starts a session (loading its model if needed: call it off the event loop)."""
        with self._lock:
            if len(self._streams) >= self.max_sessions:
                raise LiveBusyError(
                    f"All {self.max_sessions} live sessions are in use; try again when one ends."
                    if self.max_sessions
                    else "Live transcription is switched off on this appliance."
                )
        try:
            loaded = self.models.ensure_loaded(options.model)
        except EngineError as error:
            raise LiveOptionsError(str(error)) from None
        if not loaded.multilingual and (options.task == "translate" or options.language not in (None, "en")):
            raise LiveOptionsError(
                f"{options.model} only knows English: choose a multilingual model to "
                + ("translate." if options.task == "translate" else f"transcribe {options.language!r}.")
            )
        language = options.language or (None if loaded.multilingual else "en")
        session_id = uuid.uuid4().hex
        audio_path = self.spool_dir / f"{session_id}.wav"
        recorder = wave.open(str(audio_path), "wb")
        recorder.setnchannels(1)
        recorder.setsampwidth(2)
        recorder.setframerate(SAMPLE_RATE)
        now = self._clock()
        stream = _Stream(
            session_id=session_id,
            owner=owner,
            options=options,
            session=StreamingSession(language, options.task, self.config, self._clock),
            recorder=recorder,
            audio_path=audio_path,
            started_at=time.time(),
            last_frame_at=now,
            device=loaded.device_key,
            compute_type=loaded.compute_type,
        )
        with self._lock:
            # Checked again: another start may have taken the last place during the load.
            if len(self._streams) >= self.max_sessions:
                recorder.close()
                audio_path.unlink(missing_ok=True)
                raise LiveBusyError(f"All {self.max_sessions} live sessions are in use; try again when one ends.")
            self._streams[session_id] = stream
        return session_id

    def resume(self, session_id: str, owner) -> list[Word]:
        """Reattaches a client to a session it lost; returns the words committed so far."""
        stream = self._stream(session_id)
        if stream.owner != owner or stream.session.stopping:
            raise UnknownSessionError("That live session has ended; start a new one.")
        stream.detached_at = None
        stream.last_frame_at = self._clock()
        return list(stream.session.committed)

    def receive(self, session_id: str, pcm16: bytes) -> None:
        stream = self._stream(session_id)
        if stream.session.stopping:
            raise UnknownSessionError("That live session is stopping; its audio is complete.")
        try:
            stream.session.receive(pcm16)
        except StreamTooFastError:
            self.stop(session_id, reason="too_fast")
            raise
        stream.recorder.writeframesraw(pcm16)
        stream.last_frame_at = self._clock()

    def stop(self, session_id: str, reason: str = "stopped") -> None:
        stream = self._stream(session_id)
        if not stream.session.stopping:
            stream.reason = reason
            stream.session.request_stop()

    def stop_all(self, reason: str) -> None:
        with self._lock:
            session_ids = list(self._streams)
        for session_id in session_ids:
            self.stop(session_id, reason)

    def detach(self, session_id: str) -> None:
        """The client went away without `stop`: wait a little for it to come back."""
        with self._lock:
            stream = self._streams.get(session_id)
        if stream is not None and stream.detached_at is None:
            stream.detached_at = self._clock()

    def expire(self) -> list[tuple[str, dict]]:
        """Stops sessions whose client is gone for good or sends nothing any more."""
        now = self._clock()
        events = []
        with self._lock:
            streams = list(self._streams.values())
        for stream in streams:
            if stream.session.stopping:
                continue
            if stream.detached_at is not None and now - stream.detached_at >= self.detach_grace_seconds:
                self.stop(stream.session_id, reason="disconnected")
            elif stream.detached_at is None and now - stream.last_frame_at >= self.idle_timeout_seconds:
                self.stop(stream.session_id, reason="idle")
                message = f"No audio for {self.idle_timeout_seconds:g} s: the session was stopped and saved."
                events.append((stream.session_id, {"type": "error", "code": "idle", "message": message}))
            elif now - stream.last_stats_at >= STATS_EVERY_SECONDS:
                events.append((stream.session_id, self._stats(stream, processing_time=0.0, batch_size=0)))
        return events

    def has_work(self) -> bool:
        with self._lock:
            return any(stream.session.is_ready() or stream.session.is_finished() for stream in self._streams.values())

    def pop_finished(self) -> list[FinishedSession]:
        with self._lock:
            finished, self._finished = self._finished, []
        return finished

    # Worker thread ----------------------------------------------------------------------------

    def step(self) -> list[tuple[str, dict]]:
        """Decodes every ready session once, batched per model; returns (session id, event)."""
        with self._step_lock:
            return self._step()

    def _step(self) -> list[tuple[str, dict]]:
        with self._lock:
            ready = [stream for stream in self._streams.values() if stream.session.is_ready()]
        by_model = defaultdict(list)
        for stream in ready:
            by_model[stream.options.model].append(stream)
        events = []
        for model_name, streams in by_model.items():
            windows = []
            for stream in streams:
                request = stream.session.prepare_window()
                if request is not None:
                    windows.append((stream, request))
            for start in range(0, len(windows), self.max_batch):
                events.extend(self._decode_batch(model_name, windows[start : start + self.max_batch]))
        self._collect_finished()
        return events

    def _decode_batch(self, model_name, windows) -> list[tuple[str, dict]]:
        if not windows:
            return []
        started = time.perf_counter()
        try:
            with self.models.acquire(model_name) as loaded:
                # A decoder per call (it is only a view of the model): holding one would keep a
                # model the manager unloaded in memory.
                hypotheses = WindowDecoder(loaded.whisper).decode([request for _, request in windows])
        except EngineError as error:
            logger.error("live decode with %s failed: %s", model_name, error)
            events = []
            for stream, _ in windows:
                stream.failed = True
                self.stop(stream.session_id, reason="failed")
                events.append((stream.session_id, {"type": "error", "code": "engine_error", "message": str(error)}))
            return events
        elapsed = time.perf_counter() - started
        events = []
        for (stream, _), hypothesis in zip(windows, hypotheses):
            stream.inference_seconds += elapsed / len(windows)
            session = stream.session
            events.extend((stream.session_id, event) for event in session.apply_hypothesis(hypothesis))
            events.append((stream.session_id, self._stats(stream, elapsed, len(windows))))
        return events

    def _stats(self, stream: _Stream, processing_time: float, batch_size: int) -> dict:
        stream.last_stats_at = self._clock()
        session = stream.session
        return {
            "type": "stats",
            "lag": round(session.lag_seconds, 3),
            "backlog": round(session.backlog_seconds, 3),
            "processing_time": round(processing_time, 3),
            "batch_size": batch_size,
            "audio_seconds": round(session.received_samples / SAMPLE_RATE, 2),
            "buffer_seconds": round(len(session.ring) / SAMPLE_RATE, 2),
        }

    def _collect_finished(self) -> None:
        with self._lock:
            done = [
                stream for stream in self._streams.values()
                if stream.session.is_finished() or (stream.failed and stream.session.stopping)
            ]
            for stream in done:
                del self._streams[stream.session_id]
        for stream in done:
            self._finished.append(self._finish(stream))

    def _finish(self, stream: _Stream) -> FinishedSession:
        session = stream.session
        session.flush()
        stream.recorder.close()
        duration = session.received_samples / SAMPLE_RATE
        if duration == 0:
            stream.audio_path.unlink(missing_ok=True)
        result = live_result(
            session.committed,
            language=session.language,
            duration=duration,
            model=stream.options.model,
            device=stream.device,
            compute_type=stream.compute_type,
            task=stream.options.task,
            inference_seconds=stream.inference_seconds,
        )
        return FinishedSession(
            session_id=stream.session_id,
            owner=stream.owner,
            options=stream.options,
            reason=stream.reason,
            result=result,
            audio_path=stream.audio_path if duration > 0 else None,
            started_at=stream.started_at,
        )

    def _stream(self, session_id: str) -> _Stream:
        with self._lock:
            stream = self._streams.get(session_id)
        if stream is None:
            raise UnknownSessionError("No such live session (it ended, or belongs to another engine).")
        return stream

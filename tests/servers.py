"""Real appliance processes for tests: the environment that points a subprocess at this run's
test database, data dir and Redis, and a daphne server started the way `make run` starts it."""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60


def process_environment(data_dir, **overrides):
    """os.environ plus this test run's database and data dir (Redis comes with REDIS_URL)."""
    from django.db import connection

    return dict(os.environ, DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
                APPLIANCE_DATA_DIR=str(data_dir), PYTHONPATH=str(REPOSITORY_ROOT), **overrides)  # fmt: skip


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url):
    try:
        urllib.request.urlopen(f"{url}/healthz", timeout=2)
    except urllib.error.HTTPError:
        return True  # 503 without a worker heartbeat still means daphne is up
    except OSError:
        return False
    return True


@contextlib.contextmanager
def running_daphne(env, log_path):
    """Yields the base URL ("http://127.0.0.1:PORT") once daphne answers; its output goes to
    log_path (kept for reading after a failure)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "appliance.asgi:application"],
            cwd=REPOSITORY_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"daphne did not start:\n{Path(log_path).read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)

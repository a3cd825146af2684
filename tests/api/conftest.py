"""A live appliance for API tests: a real daphne subprocess on this run's test database and
Redis, in front of the real Celery worker of the `celery_worker` fixture.

appliance_server (session) the base URL of daphne, e.g. "http://127.0.0.1:40123". Its upload
                 limit is LIVE_MAX_UPLOAD_MB, so the over-the-limit test needs no huge file.
api_client       (function) factory: api_client(plain_token) → openai.OpenAI aimed at appliance_server
                 (no retries, so every answer is seen as it came).
staff_token      (function) a plain API token of staff_user.
upload_limit_mb  (function) the server's APPLIANCE_MAX_UPLOAD_MB.
no_worker        (function) marks a test that runs without a worker; purges the queued messages after it.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
LIVE_MAX_UPLOAD_MB = 1
STARTUP_SECONDS = 60


def _free_port():
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


@pytest.fixture(scope="session")
def appliance_server(django_db_setup, redis_url, data_dir, tmp_path_factory):
    from django.db import connection

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
        PYTHONPATH=str(REPOSITORY_ROOT),
        APPLIANCE_DATA_DIR=str(data_dir),
        APPLIANCE_MAX_UPLOAD_MB=str(LIVE_MAX_UPLOAD_MB),
    )
    # Kept in pytest's temp dir (…/pytest-of-<user>/pytest-<n>/daphne0/) for reading after a failure.
    log_path = tmp_path_factory.mktemp("daphne") / "daphne.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "appliance.asgi:application"],
            cwd=REPOSITORY_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"daphne did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def upload_limit_mb():
    return LIVE_MAX_UPLOAD_MB


@pytest.fixture
def api_client(appliance_server):
    import openai

    def make(plain_token):
        return openai.OpenAI(api_key=plain_token, base_url=f"{appliance_server}/v1", max_retries=0, timeout=180)

    return make


@pytest.fixture
def staff_token(staff_user):
    from appliance.tokens.services import create_token

    return create_token(staff_user, "api tests")[1]


@pytest.fixture
def no_worker():
    """No worker runs: queued jobs stay queued; their messages are purged afterwards."""
    from appliance.celery import app

    yield
    app.control.purge()

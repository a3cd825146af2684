"""`python -m appliance.plumbing.run` (what `make run` calls) on a fresh data dir: everything comes up,
/healthz turns green, the admin login is printed, and Ctrl-C stops every child."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def drain(process, lines):
    """Read the tree's output all along: a pipe nobody reads fills up (64 KiB) and then blocks
    every process that logs to it, the supervisor's "stopping" line included."""
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    return reader


def wait_for_line(process, pattern, lines, timeout_seconds=180):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        for line in list(lines):
            match = re.search(pattern, line)
            if match:
                return match
        if process.poll() is not None:
            raise AssertionError("appliance.plumbing.run exited early:\n" + "".join(lines[-40:]))
        time.sleep(0.1)
    raise AssertionError(f"no line matching {pattern!r}:\n" + "".join(lines[-40:]))


# A shell running a script starts `make run &` with SIGINT ignored, and Python then installs no
# KeyboardInterrupt handler: this test, run from such a shell, once waited 90 s for a Ctrl-C the
# supervisor never saw.
@pytest.mark.parametrize("sigint_at_start", [signal.SIG_DFL, signal.SIG_IGN],
                         ids=["from a terminal", "started in the background by a script"])
def test_make_run_starts_everything_and_ctrl_c_stops_every_child(sigint_at_start):
    data_dir = Path(tempfile.mkdtemp(prefix="wa-run-"))
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(APPLIANCE_DATA_DIR=str(data_dir), PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, "-m", "appliance.plumbing.run"], cwd=settings.BASE_DIR, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint_at_start),
    )  # fmt: skip
    lines = []
    reader = drain(process, lines)
    try:
        wait_for_line(process, rf"running at http://127\.0\.0\.1:{port}/", lines)
        password = wait_for_line(process, r"Admin account: admin  password: (\S+)", lines).group(1)
        children = psutil.Process(process.pid).children(recursive=True)

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
        assert (data_dir / "admin-password").read_text().strip() == password
        assert (data_dir / "admin-password").stat().st_mode & 0o777 == 0o600
        assert (data_dir / "redis" / "redis.sock").exists()
        names = " ".join(" ".join(child.cmdline()) for child in children)
        for expected in ("daphne", "celery -A appliance.celery worker", "celery -A appliance.celery beat"):
            assert expected in names

        process.send_signal(signal.SIGINT)
        # Stopping is bounded by the supervisor (20 s for the services, then 20 s for Redis); the
        # margin is for a machine busy with the rest of the suite.
        try:
            assert process.wait(90) == 0, "".join(lines[-40:])
        except subprocess.TimeoutExpired:
            raise AssertionError("Ctrl-C did not stop the tree in 90 s:\n" + "".join(lines[-60:])) from None
        gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, [child.cmdline() for child in alive]
    finally:
        if process.poll() is None:
            process.kill()
        reader.join(10)
        if process.stdout:
            process.stdout.close()
        shutil.rmtree(data_dir, ignore_errors=True)

"""Before switching: enough disk, a healthy running release, and no work in progress (or the window)."""

import json
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ACTIVITY = Path(__file__).resolve().parent / "activity.py"


def _with_pending_update(appliance):
    appliance.install("v1.1.0")
    appliance.upstream.release("v1.2.0", "Release v1.2.0")
    return appliance


@pytest.fixture
def pending_update(appliance):
    return _with_pending_update(appliance)


@pytest.fixture(scope="module")
def shared_pending_update(new_appliance):
    appliance = _with_pending_update(new_appliance())
    yield appliance
    appliance.stop()


@pytest.fixture
def refused_update(shared_pending_update):
    """For tests that end in a refusal: the release stays v1.1.0, so one appliance serves them all."""
    shared_pending_update.reset_config()
    yield shared_pending_update
    assert shared_pending_update.get("/version") == "v1.1.0"


def _idle_reports(appliance, tmp_path, reports, **settings):
    activity = tmp_path / "activity.json"
    activity.write_text(json.dumps(reports))
    settings = {"idle_wait_seconds": 0.3, "idle_poll_seconds": 0.05, **settings}
    appliance.write_config(idle_command=f"{sys.executable} {ACTIVITY} {activity}", **settings)


def _window(start_offset_minutes, end_offset_minutes):
    now = datetime.now()
    start, end = now + timedelta(minutes=start_offset_minutes), now + timedelta(minutes=end_offset_minutes)
    return f"{start:%H:%M}-{end:%H:%M}"


def test_it_waits_until_the_appliance_is_idle(pending_update, tmp_path):
    busy = {"jobs": 1, "live_sessions": 0}
    _idle_reports(pending_update, tmp_path, [busy, busy, {"jobs": 0, "live_sessions": 0}], idle_wait_seconds=60)

    result = pending_update.updater.apply()

    assert result["status"] == "succeeded", result["message"]
    assert result["idle"] == "idle"


def test_it_gives_up_when_still_busy_at_the_deadline(refused_update, tmp_path):
    _idle_reports(refused_update, tmp_path, {"jobs": 2, "live_sessions": 1})

    result = refused_update.updater.apply()

    assert result["status"] == "refused"
    assert result["reason"] == "busy"
    assert result["message"] == "still busy after waiting 0.3 s (2 jobs, 1 live sessions); try again later"


def test_the_refusal_names_the_maintenance_window(refused_update, tmp_path):
    window = _window(120, 180)
    _idle_reports(refused_update, tmp_path, {"jobs": 1}, maintenance_window=window)

    result = refused_update.updater.apply()

    assert result["reason"] == "busy"
    assert result["message"].endswith(f"it will also run inside the maintenance window {window}")


def test_inside_the_maintenance_window_it_goes_ahead_while_busy(pending_update, tmp_path):
    window = _window(-60, 60)
    _idle_reports(pending_update, tmp_path, {"jobs": 1}, maintenance_window=window)

    result = pending_update.updater.apply()

    assert result["status"] == "succeeded", result["message"]
    assert result["idle"] == f"inside maintenance window {window} while busy (1 jobs)"


def test_a_failing_idle_check_counts_as_busy(refused_update, tmp_path):
    refused_update.write_config(idle_command=f"{sys.executable} -c 'raise SystemExit(3)'", idle_wait_seconds=0.2,
                                idle_poll_seconds=0.05)

    result = refused_update.updater.apply()

    assert result["reason"] == "busy"
    assert "the idle check failed: exit status 3" in result["message"]


def test_it_reads_activity_from_a_url(refused_update):
    class Activity(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"jobs": 0, "live_sessions": 3}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Activity)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        refused_update.write_config(idle_url=f"http://127.0.0.1:{server.server_port}/activity",
                                    idle_wait_seconds=0.2, idle_poll_seconds=0.05)
        result = refused_update.updater.apply()
    finally:
        server.shutdown()

    assert result["message"] == "still busy after waiting 0.2 s (3 live sessions); try again later"


def test_it_refuses_when_the_disk_is_too_full(refused_update):
    refused_update.write_config(min_free_mb=10**9)

    result = refused_update.updater.apply()

    assert result["reason"] == "disk"
    assert result["message"].endswith("an update needs at least 1000000000 MiB")


def test_it_refuses_to_update_an_unhealthy_release_unless_forced(pending_update):
    pending_update.stop()

    refused = pending_update.updater.apply()
    forced = pending_update.updater.apply(force=True)

    assert refused["reason"] == "unhealthy"
    assert refused["message"].startswith(
        f"the running release is not healthy (GET http://127.0.0.1:{pending_update.port}/healthz -> no answer")
    assert forced["status"] == "succeeded", forced["message"]
    assert pending_update.get("/version") == "v1.2.0"

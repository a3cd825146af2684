"""Fixtures of the Updates page tests: an updater-managed appliance the page is pointed at."""

import time

import pytest


@pytest.fixture
def managed(appliance, settings):
    """The appliance of tests/updater/conftest.py on v1.0.0, as this Django project's updater config."""
    settings.UPDATER_CONFIG = str(appliance.config_path)
    appliance.install("v1.0.0")
    return appliance


@pytest.fixture
def follow(admin_client):
    """Presses a button (a POST) and polls progress.json like the page's script until the run it
    started has ended; returns the last poll with the whole log."""

    def press(url, action, data=None, timeout_seconds=120):
        before = admin_client.get("/panel/updates/progress.json").json()["run"]
        before_id = before["id"] if before else None
        response = admin_client.post(url, data or {})
        assert response.status_code == 302
        run_id, offset, log = "", 0, ""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            data_now = admin_client.get("/panel/updates/progress.json", {"run": run_id, "offset": offset}).json()
            run = data_now["run"]
            if run and run["id"] != before_id:
                if run["id"] != run_id:
                    run_id, log = run["id"], ""
                log += data_now["log"]
                offset = data_now["log_offset"]
                if run["action"] == action and not data_now["running"]:
                    return {**data_now, "log": log}
            time.sleep(0.2)
        raise AssertionError(f"no finished {action} run within {timeout_seconds} s")

    return press

"""The check / apply / rollback buttons start the CLI in the background; progress.json follows it."""

import pytest

from updater.lock import RunLock

pytestmark = pytest.mark.django_db


def test_check_runs_in_the_background_and_its_log_is_followed(managed, admin_client, follow):
    done = follow("/panel/updates/check", "check")

    assert done["run"]["status"] == "succeeded"
    assert "check succeeded: v1.1.0 is available" in done["log"]


def test_apply_installs_the_update_and_records_it(managed, admin_client, follow):
    done = follow("/panel/updates/apply", "apply", {"version": "v1.1.0"})

    assert done["run"]["status"] == "succeeded", done["log"]
    assert managed.get("/version") == "v1.1.0"
    assert [step["name"] for step in done["run"]["steps"]][-1] == "cleanup"
    page = admin_client.get("/panel/updates/").content.decode()
    assert "updated from v1.0.0 to v1.1.0" in page


def test_rollback_goes_back_to_the_chosen_release(managed, admin_client, follow):
    managed.updater.apply()

    done = follow("/panel/updates/rollback", "rollback", {"version": "v1.0.0", "restore_data": "on"})

    assert done["run"]["status"] == "succeeded", done["log"]
    assert managed.get("/version") == "v1.0.0"
    assert managed.rows() == [("v1.0.0",)]


def test_a_button_pressed_during_a_run_says_an_update_is_in_progress(managed, admin_client):
    with RunLock(managed.root / "state" / "update.lock", "apply"):
        response = admin_client.post("/panel/updates/apply", follow=True)

    assert "another updater run is in progress; wait for it to finish" in response.content.decode()


def test_every_start_is_in_the_audit_log(managed, admin_client, follow):
    from appliance.panel.models import AuditLogEntry

    follow("/panel/updates/check", "check")

    entry = AuditLogEntry.objects.get(action="updater.check")
    assert entry.summary == "Update check"

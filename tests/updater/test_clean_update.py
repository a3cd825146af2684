"""A clean update from v1.0.0 to v1.1.0 on the stable channel."""

import json

import pytest


@pytest.fixture(scope="module")
def updated(new_appliance):
    appliance = new_appliance()
    appliance.write_config(low_priority=True)
    appliance.install("v1.0.0")
    served_before = appliance.get("/version")
    result = appliance.updater.apply()
    yield appliance, result, served_before
    appliance.stop()


def test_it_updates_to_the_newest_stable_release(updated):
    appliance, result, served_before = updated

    assert served_before == "v1.0.0"
    assert result["status"] == "succeeded", result["message"]
    assert result["message"] == "updated from v1.0.0 to v1.1.0"
    assert appliance.current() == "v1.1.0"
    assert appliance.get("/version") == "v1.1.0"
    assert appliance.rows() == [("v1.0.0",), ("v1.1.0",)]


def test_it_records_every_step_with_its_duration(updated):
    appliance, _, _ = updated

    entry = appliance.updater.history()[0]
    steps = [step["name"] for step in entry["steps"]]
    assert steps == ["fetch", "resolve", "verify", "preflight", "stage", "wait-idle", "backup",
                     "migrate", "switch", "health", "cleanup"]
    assert all(step["status"] == "done" and step["duration_seconds"] >= 0 for step in entry["steps"])
    assert entry["from_version"] == "v1.0.0" and entry["to_version"] == "v1.1.0"
    assert entry["status"] == "succeeded" and entry["duration_seconds"] > 0
    assert [c["subject"] for c in entry["changelog"]] == ["Release v1.1.0", "Faster uploads"]


def test_the_new_release_has_its_own_venv_with_its_dependencies(updated):
    appliance, _, _ = updated
    release = appliance.root / "releases" / "v1.1.0"

    assert (appliance.root / "current").resolve() == release
    assert list((release / ".venv" / "lib").glob("python3*/site-packages/wa_updater_testdep"))
    assert (release / "static" / "collected.txt").read_text() == "v1.1.0"


def test_it_backs_up_the_database_and_config_before_switching(updated):
    appliance, _, _ = updated

    latest = sorted((appliance.data / "backups").iterdir())[-1]
    assert latest.name.endswith("v1.0.0-to-v1.1.0")
    assert (latest / "db.sqlite3").exists()
    assert (latest / "config-0-appliance.env").read_text() == "APPLIANCE_SECRET=original\n"


def test_the_previous_release_stays_for_a_rollback(updated):
    appliance, _, _ = updated

    status = appliance.updater.status()
    assert [r["version"] for r in status["releases"]] == ["v1.1.0", "v1.0.0"]
    assert status["previous_version"] == "v1.0.0"


def test_staging_runs_at_low_cpu_and_io_priority(updated):
    appliance, _, _ = updated

    priority = json.loads((appliance.root / "releases" / "v1.1.0" / "priority.json").read_text())
    assert priority == {"nice": 19, "io_class": "idle", "idle_policy": True}


def test_a_release_can_be_staged_ahead_and_switched_to_later(appliance):
    appliance.install("v1.0.0")

    staged = appliance.updater.apply(stage_only=True)
    served_meanwhile = appliance.get("/version")
    switched = appliance.updater.apply()

    assert staged["status"] == "staged"
    assert staged["message"] == "v1.1.0 is staged; `python -m updater apply` switches to it"
    assert served_meanwhile == "v1.0.0"
    assert switched["status"] == "succeeded"
    assert appliance.get("/version") == "v1.1.0"

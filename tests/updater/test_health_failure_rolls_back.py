"""A release whose health check fails is rolled back automatically, data and config included."""

import sqlite3

import pytest


@pytest.fixture(scope="module")
def rolled_back(new_appliance):
    appliance = new_appliance()
    appliance.install("v1.1.0")
    with sqlite3.connect(appliance.data / "db.sqlite3") as database:
        database.execute("CREATE TABLE notes (text TEXT)")
        database.execute("INSERT INTO notes VALUES ('written before the update')")
    # The new release's migration also edits the config, so the restore of both shows.
    appliance.write_config(
        health_timeout_seconds=2,
        migrate_commands=["{python} migrate.py {data_dir}",
                          "sh -c 'echo APPLIANCE_SECRET=changed-by-migration > {root}/appliance.env'"],
    )
    appliance.upstream.release("v1.2.0", "Release v1.2.0", health_status=503)
    result = appliance.updater.apply()
    yield appliance, result
    appliance.stop()


def test_it_rolls_back_when_the_new_release_answers_503(rolled_back):
    appliance, result = rolled_back

    assert result["status"] == "rolled-back"
    assert f"GET http://127.0.0.1:{appliance.port}/healthz answered HTTP 503 instead of 200" in result["message"]
    assert "rolled back to v1.1.0, which is healthy" in result["message"]


def test_the_previous_release_serves_again(rolled_back):
    appliance, _ = rolled_back

    assert appliance.current() == "v1.1.0"
    assert appliance.get("/version") == "v1.1.0"


def test_the_database_and_config_are_as_they_were(rolled_back):
    appliance, _ = rolled_back

    assert appliance.rows() == [("v1.1.0",)]
    assert appliance.rows("notes") == [("written before the update",)]
    assert (appliance.root / "appliance.env").read_text() == "APPLIANCE_SECRET=original\n"


def test_the_failure_log_is_kept(rolled_back):
    appliance, result = rolled_back

    failure_log = appliance.root / "state" / "failures" / result["log"].removeprefix("logs/")
    text = failure_log.read_text()
    assert "answered HTTP 503" in text
    assert "== rollback" in text


def test_the_failed_release_is_marked_bad_and_not_retried(rolled_back):
    appliance, _ = rolled_back

    retry = appliance.updater.apply()

    assert retry["status"] == "refused"
    assert retry["reason"] == "bad-release"
    assert "v1.2.0 was marked bad on" in retry["message"]
    assert "it is not retried unless forced" in retry["message"]
    assert [r["version"] for r in appliance.updater.status()["releases"] if r["bad"]] == ["v1.2.0"]


def test_force_tries_a_release_marked_bad_again(rolled_back):
    appliance, _ = rolled_back

    forced = appliance.updater.apply(force=True)

    assert forced["status"] == "rolled-back"
    assert "health" in [step["name"] for step in forced["steps"]]
    assert appliance.get("/version") == "v1.1.0"

"""A release whose migration fails never becomes current, and the half-done migration is undone."""

import pytest


@pytest.fixture(scope="module")
def rolled_back(new_appliance):
    appliance = new_appliance()
    appliance.install("v1.1.0")
    appliance.upstream.release("v1.2.0", "Release v1.2.0 with a broken migration", migration_fails=True)
    result = appliance.updater.apply()
    yield appliance, result
    appliance.stop()


def test_it_stops_at_the_migration_and_rolls_back(rolled_back):
    _, result = rolled_back

    assert result["status"] == "rolled-back"
    assert "migration of v1.2.0 failed halfway through" in result["message"]
    steps = [step["name"] for step in result["steps"]]
    assert "switch" not in steps
    assert steps[-2:] == ["migrate", "rollback"]


def test_the_previous_release_keeps_serving_with_the_database_as_it_was(rolled_back):
    appliance, _ = rolled_back

    assert appliance.current() == "v1.1.0"
    assert appliance.get("/version") == "v1.1.0"
    assert appliance.rows() == [("v1.1.0",)]


def test_the_release_is_marked_bad(rolled_back):
    appliance, _ = rolled_back

    bad = appliance.updater.status()["bad_releases"]
    assert list(bad) == ["v1.2.0"]
    assert "migrate.py" in bad["v1.2.0"]["reason"]

"""Manual rollback to any kept release, with or without the data of that time."""

import pytest


@pytest.fixture
def updated_twice(appliance, upstream):
    appliance.install("v1.0.0")
    appliance.updater.apply()
    upstream.release("v1.2.0", "Release v1.2.0")
    appliance.updater.apply()
    assert appliance.current() == "v1.2.0"
    return appliance


def test_it_rolls_back_to_the_previous_release(updated_twice):
    result = updated_twice.updater.rollback()

    assert result["status"] == "succeeded", result["message"]
    assert result["message"] == "rolled back from v1.2.0 to v1.1.0 (data kept as is)"
    assert updated_twice.get("/version") == "v1.1.0"
    assert updated_twice.rows() == [("v1.0.0",), ("v1.1.0",), ("v1.2.0",)]


def test_it_rolls_back_to_any_kept_release_with_its_data(updated_twice):
    result = updated_twice.updater.rollback("v1.0.0", restore_data=True)

    assert result["status"] == "succeeded", result["message"]
    assert updated_twice.get("/version") == "v1.0.0"
    assert updated_twice.rows() == [("v1.0.0",)]
    assert updated_twice.updater.history()[0]["action"] == "rollback"


def test_a_rollback_can_itself_be_undone_with_the_data(updated_twice):
    updated_twice.updater.rollback("v1.0.0", restore_data=True)

    result = updated_twice.updater.rollback("v1.2.0", restore_data=True)

    assert result["status"] == "succeeded", result["message"]
    assert updated_twice.rows() == [("v1.0.0",), ("v1.1.0",), ("v1.2.0",)]


def test_it_refuses_a_release_that_is_not_kept(updated_twice):
    result = updated_twice.updater.rollback("v0.5.0")

    assert result["status"] == "refused"
    assert result["message"] == "v0.5.0 is not a kept release; kept releases: v1.0.0, v1.1.0"
    assert updated_twice.current() == "v1.2.0"


def test_it_refuses_the_running_release(updated_twice):
    result = updated_twice.updater.rollback("v1.2.0")

    assert result["reason"] == "already-current"
    assert result["message"] == "v1.2.0 is already the running release"


def test_the_cli_rolls_back_and_reports_json(updated_twice):
    import json

    completed = updated_twice.cli("rollback", "v1.1.0", "--json")

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["to_version"] == "v1.1.0"
    assert updated_twice.get("/version") == "v1.1.0"

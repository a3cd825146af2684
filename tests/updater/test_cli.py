"""`python -m updater check|apply|rollback|status|history [--json]`: output and exit status."""

import json

import pytest


@pytest.fixture(scope="module")
def on_v110(new_appliance):
    appliance = new_appliance()
    appliance.install("v1.1.0")
    yield appliance
    appliance.stop()


def test_status_as_json(on_v110):
    completed = on_v110.cli("status", "--json")

    status = json.loads(completed.stdout)
    assert completed.returncode == 0
    assert status["current"]["version"] == "v1.1.0"
    assert status["channel"] == "stable"
    assert status["run"]["status"] == "succeeded"


def test_status_and_history_as_text(on_v110):
    status = on_v110.cli("status").stdout
    history = on_v110.cli("history").stdout

    assert status.startswith("current:  v1.1.0 (")
    assert "last run: apply succeeded: updated from nothing to v1.1.0" in status
    assert "apply    - -> v1.1.0  succeeded" in history


def test_check_prints_the_target_and_changelog(on_v110):
    on_v110.upstream.release("v1.2.0", "Release v1.2.0")

    completed = on_v110.cli("check")

    assert completed.returncode == 0
    lines = completed.stdout.splitlines()
    assert lines[0] == "v1.2.0 is available (running v1.1.0, 1 new commit(s))"
    assert lines[1].endswith(" Release v1.2.0")


def test_a_refusal_exits_with_status_3_and_says_why(on_v110):
    completed = on_v110.cli("apply", "--version", "v1.0.0", "--json")

    assert completed.returncode == 3
    assert json.loads(completed.stdout)["reason"] == "downgrade"


def test_the_unattended_run_only_checks_while_automatic_updates_are_off(on_v110):
    on_v110.upstream.release("v1.3.0", "Release v1.3.0")

    completed = on_v110.cli("apply", "--if-available")

    assert completed.returncode == 0
    assert completed.stdout == ""
    assert on_v110.current() == "v1.1.0"
    assert on_v110.updater.status()["last_check"]["target"]["version"] == "v1.3.0"


def test_the_unattended_run_applies_when_on_and_is_silent_when_up_to_date(on_v110):
    on_v110.write_config(auto_apply=True)

    applied = on_v110.cli("apply", "--if-available")
    silent = on_v110.cli("apply", "--if-available")

    on_v110.reset_config()
    assert applied.returncode == 0
    assert on_v110.current() == "v1.3.0"
    assert (silent.returncode, silent.stdout) == (0, "")


def test_a_bad_configuration_exits_with_status_1(on_v110, tmp_path):
    bad = tmp_path / "updater.json"
    bad.write_text(json.dumps({"channel": "nightly"}))

    completed = on_v110.cli("status", config=bad)

    assert completed.returncode == 1
    assert "updater: channel 'nightly' in" in completed.stderr

"""Two updater runs never overlap: the second one is refused at once and changes nothing."""

import json
import time

import pytest

from updater import LockHeld


def _wait_for(path, process):
    for _ in range(1200):
        if path.exists():
            return
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


@pytest.fixture
def parked_update(appliance, upstream, gate, tmp_path):
    appliance.install("v1.1.0")
    upstream.release("v1.2.0", "Release v1.2.0")
    appliance.write_config(post_stage_commands=["{python} collect.py", gate])
    first = appliance.cli_background("apply")
    _wait_for(tmp_path / "gate.reached", first)
    yield appliance, first
    (tmp_path / "gate.release").touch()
    first.wait(120)


def test_a_second_run_is_refused_while_one_is_running(parked_update):
    appliance, first = parked_update

    second = appliance.cli("apply")

    assert second.returncode == 5
    assert f"another updater run holds the lock (apply by pid {first.pid} since" in second.stderr


def test_the_refused_run_leaves_the_state_of_the_running_one_alone(parked_update):
    appliance, first = parked_update

    with pytest.raises(LockHeld):
        appliance.updater.check()

    run = json.loads((appliance.root / "state" / "state.json").read_text())["run"]
    assert run["pid"] == first.pid
    assert run["status"] == "running"
    assert run["steps"][-1]["name"] == "stage"


def test_the_first_run_finishes_normally(parked_update, tmp_path):
    appliance, first = parked_update

    (tmp_path / "gate.release").touch()

    assert first.wait(120) == 0
    assert appliance.get("/version") == "v1.2.0"

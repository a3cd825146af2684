"""An update killed with SIGKILL leaves `current` valid, and the next run cleans up and recovers."""

import os
import signal
import time

import pytest


def _kill_when_reached(appliance, tmp_path):
    process = appliance.cli_background("apply")
    reached = tmp_path / "gate.reached"
    for _ in range(1200):
        if reached.exists():
            break
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    return process


def _points_at_a_complete_release(appliance):
    current = (appliance.root / "current").resolve()
    return current.parent == appliance.root / "releases" and (current / ".updater-release.json").exists()


@pytest.fixture
def on_v110_with_an_update(appliance, upstream):
    appliance.install("v1.1.0")
    upstream.release("v1.2.0", "Release v1.2.0")
    return appliance


def test_a_kill_during_stage_leaves_the_running_release_current(on_v110_with_an_update, gate, tmp_path):
    appliance = on_v110_with_an_update
    appliance.write_config(post_stage_commands=["{python} collect.py", gate])

    _kill_when_reached(appliance, tmp_path)

    assert _points_at_a_complete_release(appliance)
    assert appliance.current() == "v1.1.0"
    assert (appliance.root / "releases" / "v1.2.0").exists()  # the partial stage
    assert appliance.updater.status()["run"]["status"] == "interrupted"


def test_the_next_run_cleans_the_partial_stage_and_updates(on_v110_with_an_update, gate, tmp_path):
    appliance = on_v110_with_an_update
    appliance.write_config(post_stage_commands=["{python} collect.py", gate])
    _kill_when_reached(appliance, tmp_path)
    appliance.write_config(post_stage_commands=["{python} collect.py"])

    result = appliance.updater.apply()

    assert result["status"] == "succeeded", result["message"]
    assert appliance.get("/version") == "v1.2.0"
    interrupted = appliance.updater.history()[1]
    assert interrupted["status"] == "interrupted"
    assert interrupted["message"] == "interrupted during stage; recovered by the next run"


def test_a_kill_during_switch_leaves_current_valid(on_v110_with_an_update, gate, tmp_path):
    appliance = on_v110_with_an_update
    restart = appliance.settings["restart_commands"]
    appliance.write_config(restart_commands=[gate, *restart])

    _kill_when_reached(appliance, tmp_path)

    assert _points_at_a_complete_release(appliance)
    assert appliance.current() == "v1.2.0"  # flipped, migrated, never confirmed healthy
    assert appliance.rows() == [("v1.1.0",), ("v1.2.0",)]


def test_recovery_after_a_kill_during_switch_backs_out_the_unconfirmed_release(on_v110_with_an_update, gate, tmp_path):
    appliance = on_v110_with_an_update
    restart = appliance.settings["restart_commands"]
    appliance.write_config(restart_commands=[gate, *restart])
    _kill_when_reached(appliance, tmp_path)
    appliance.write_config(restart_commands=restart)

    completed = appliance.cli("recover")

    assert completed.returncode == 0, completed.stderr
    assert "backed out the unconfirmed v1.2.0; v1.1.0 is current and healthy" in completed.stdout
    assert appliance.current() == "v1.1.0"
    assert appliance.get("/version") == "v1.1.0"
    assert appliance.rows() == [("v1.1.0",)]
    assert appliance.updater.history()[0]["message"] == "interrupted during switch; recovered by the next run"

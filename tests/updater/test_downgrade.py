"""Downgrades are refused unless forced; a channel that is behind the running release is not a downgrade."""

import pytest


@pytest.fixture
def on_v110(appliance):
    appliance.install("v1.1.0")
    return appliance


def test_it_refuses_to_install_an_older_release(on_v110):
    result = on_v110.updater.apply(version="v1.0.0")

    assert result["status"] == "refused"
    assert result["reason"] == "downgrade"
    assert result["message"].startswith("v1.0.0 is older than the running v1.1.0; downgrades are refused unless forced")
    assert "python -m updater rollback v1.0.0" in result["message"]
    assert on_v110.current() == "v1.1.0"


def test_a_forced_downgrade_is_installed(on_v110):
    result = on_v110.updater.apply(version="v1.0.0", force=True)

    assert result["status"] == "succeeded", result["message"]
    assert on_v110.get("/version") == "v1.0.0"


def test_switching_from_beta_back_to_stable_waits_for_a_newer_stable_release(on_v110, upstream):
    upstream.release("v1.2.0-rc.1", "Release candidate v1.2.0-rc.1")
    on_v110.write_config(channel="beta")
    assert on_v110.updater.apply()["status"] == "succeeded"
    on_v110.write_config(channel="stable")

    result = on_v110.updater.apply()

    assert result["status"] == "nothing-to-do"
    assert result["message"] == "the running v1.2.0-rc.1 is newer than v1.1.0, the newest on the stable channel"
    assert on_v110.current() == "v1.2.0-rc.1"

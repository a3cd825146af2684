"""`check` fetches and reports what an update would bring, and changes nothing."""

import pytest


@pytest.fixture(scope="module")
def on_v100(new_appliance):
    appliance = new_appliance()
    appliance.install("v1.0.0")
    upstream = appliance.upstream
    upstream.release("v1.2.0-rc.1", "Release candidate v1.2.0-rc.1")
    upstream.git("checkout", "--quiet", "-b", "next")
    upstream.commit("next", "Try the new scheduler")
    upstream.git("push", "--quiet", "origin", "next")
    upstream.git("checkout", "--quiet", "main")
    yield appliance
    appliance.stop()


@pytest.fixture
def appliance_on_v100(on_v100):
    on_v100.reset_config()
    return on_v100


def test_stable_reports_the_newest_release_tag_with_its_changelog(appliance_on_v100):
    check = appliance_on_v100.updater.check()

    assert check["status"] == "available"
    assert check["current"]["version"] == "v1.0.0"
    assert check["target"]["version"] == "v1.1.0"
    assert [c["subject"] for c in check["changelog"]] == ["Release v1.1.0", "Faster uploads"]
    assert check["message"] == "v1.1.0 is available (running v1.0.0, 2 new commit(s))"
    assert check["refusal"] is None


def test_beta_includes_pre_releases(appliance_on_v100):
    appliance_on_v100.write_config(channel="beta")

    assert appliance_on_v100.updater.check()["target"]["version"] == "v1.2.0-rc.1"


def test_a_branch_channel_follows_the_branch_head(appliance_on_v100):
    appliance_on_v100.write_config(channel="branch", branch="next")

    check = appliance_on_v100.updater.check()

    head = appliance_on_v100.upstream.git("rev-parse", "next")
    assert check["target"] == {"version": f"next-{head[:12]}", "commit": head}
    assert check["changelog"][0]["subject"] == "Try the new scheduler"


def test_a_missing_branch_is_a_clear_error(appliance_on_v100):
    appliance_on_v100.write_config(channel="branch", branch="gone")

    check = appliance_on_v100.updater.check()

    assert check["status"] == "error"
    assert check["message"] == "the branch 'gone' does not exist upstream"


def test_an_unreachable_remote_is_a_clear_error(appliance_on_v100, tmp_path):
    appliance_on_v100.write_config(remote=str(tmp_path / "nowhere.git"))

    check = appliance_on_v100.updater.check()

    assert check["status"] == "error"
    assert check["message"].startswith(f"cannot fetch from the remote {tmp_path / 'nowhere.git'}: ")


def test_checking_changes_nothing_and_is_remembered(appliance_on_v100):
    appliance_on_v100.updater.check()

    status = appliance_on_v100.updater.status()
    assert status["current"]["version"] == "v1.0.0"
    assert [r["version"] for r in status["releases"]] == ["v1.0.0"]
    assert status["last_check"]["target"]["version"] == "v1.1.0"
    assert appliance_on_v100.updater.history()[0]["to_version"] == "v1.0.0"

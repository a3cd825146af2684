"""Offline appliances update from an uploaded `git bundle` file."""

import pytest


@pytest.fixture
def offline(appliance):
    appliance.write_config(remote="")
    return appliance


def test_it_installs_and_updates_from_bundle_files(offline, upstream, tmp_path):
    first = offline.updater.apply(version="v1.0.0", bundle=upstream.bundle(tmp_path / "first.bundle"))
    upstream.release("v1.2.0", "Release v1.2.0")

    check = offline.updater.check(bundle=upstream.bundle(tmp_path / "second.bundle"))
    second = offline.updater.apply(bundle=tmp_path / "second.bundle")

    assert first["status"] == "succeeded", first["message"]
    assert check["target"]["version"] == "v1.2.0"
    assert [c["subject"] for c in check["changelog"]] == ["Release v1.2.0", "Release v1.1.0", "Faster uploads"]
    assert second["status"] == "succeeded", second["message"]
    assert offline.get("/version") == "v1.2.0"


def test_it_refuses_a_file_that_is_not_a_bundle(offline, tmp_path):
    garbage = tmp_path / "update.bundle"
    garbage.write_bytes(b"this is not a git bundle\n")

    completed = offline.cli("apply", "--bundle", str(garbage))

    assert completed.returncode == 4
    assert "update.bundle is not a usable git bundle" in completed.stderr
    assert offline.current() is None


def test_a_bundle_that_needs_history_the_appliance_lacks_is_refused(offline, upstream, tmp_path):
    offline.updater.apply(version="v1.0.0", bundle=upstream.bundle(tmp_path / "first.bundle", "v1.0.0"))
    upstream.release("v1.2.0", "Release v1.2.0")
    upstream.bundle(tmp_path / "thin.bundle", "v1.1.0..v1.2.0", "--tags=v1.2.0")

    result = offline.updater.apply(bundle=tmp_path / "thin.bundle")

    assert result["status"] == "failed"
    assert "thin.bundle is not a usable git bundle" in result["message"]
    assert offline.get("/version") == "v1.0.0"


def test_without_a_remote_or_bundle_it_says_what_to_configure(offline):
    result = offline.updater.apply()

    assert result["status"] == "failed"
    assert result["message"].startswith("no remote is configured; set one in the updater settings or update from "
                                        "a bundle file")

"""Release tags are ordered as SemVer; stable ignores pre-releases, beta includes them."""

from updater.versions import Version, is_downgrade, newest
from updater.window import MaintenanceWindow

TAGS = ["v1.0.0", "v1.10.0", "v1.2.0", "v1.11.0-rc.2", "v1.11.0-rc.10", "v1.11.0-beta", "nightly", "v2.0"]


def test_stable_takes_the_newest_release_tag():
    assert newest(TAGS, include_prereleases=False) == "v1.10.0"


def test_beta_takes_pre_releases_in_semver_order():
    assert newest(TAGS, include_prereleases=True) == "v1.11.0-rc.10"
    assert Version.parse("v1.11.0-beta") < Version.parse("v1.11.0-rc.2") < Version.parse("v1.11.0")


def test_tags_that_are_not_releases_are_ignored():
    assert Version.parse("nightly") is None
    assert Version.parse("v2.0") is None
    assert Version.parse("v01.2.3") is None


def test_a_downgrade_is_only_between_two_releases():
    assert is_downgrade("v1.2.0", "v1.1.9")
    assert not is_downgrade("v1.2.0-rc.1", "v1.2.0")
    assert not is_downgrade("main-0123456789ab", "v1.0.0")


def test_a_maintenance_window_may_wrap_midnight():
    from datetime import datetime

    window = MaintenanceWindow.parse("22:30-02:00")
    assert window.contains(datetime(2025, 1, 1, 23, 0)) and window.contains(datetime(2025, 1, 2, 1, 59))
    assert not window.contains(datetime(2025, 1, 2, 2, 0)) and not window.contains(datetime(2025, 1, 1, 12, 0))

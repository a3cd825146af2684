"""The periodic check runs once per period at a time that is random per appliance."""

import time
from datetime import datetime, timedelta, timezone

import pytest

from updater.web.schedule import appliance_slot, check_is_due
from updater.web.tasks import periodic_check

pytestmark = pytest.mark.django_db
UTC = timezone.utc


def test_the_slot_is_stable_for_one_appliance_and_spread_across_many():
    slots = {appliance_slot(f"appliance-{n}") for n in range(50)}

    assert appliance_slot("appliance-1") == appliance_slot("appliance-1")
    assert len(slots) > 40


def test_a_daily_check_is_due_once_the_slot_has_passed_since_the_last_check():
    weekday, minute = appliance_slot("seed")
    slot = datetime(2025, 3, 10, minute // 60, minute % 60, tzinfo=UTC)

    assert check_is_due(slot + timedelta(minutes=5), "daily", slot - timedelta(hours=1), "seed")
    assert not check_is_due(slot + timedelta(minutes=5), "daily", slot + timedelta(minutes=1), "seed")
    assert not check_is_due(slot - timedelta(minutes=5), "daily", slot - timedelta(hours=2), "seed")
    assert not check_is_due(slot, "off", None, "seed")


def test_a_weekly_check_waits_for_the_slot_weekday():
    weekday, minute = appliance_slot("seed")
    monday = datetime(2025, 3, 10, tzinfo=UTC)  # a Monday
    slot = monday + timedelta(days=weekday, minutes=minute)

    assert check_is_due(slot + timedelta(minutes=1), "weekly", slot - timedelta(days=6), "seed")
    assert not check_is_due(slot + timedelta(days=6), "weekly", slot + timedelta(minutes=1), "seed")


def _never_checked(appliance):
    # Installing counted as a check; the task must see an appliance that was never checked.
    appliance.updater.ctx.store.update(last_check=None)


def test_the_task_starts_a_check_when_due_and_skips_it_afterwards(managed):
    _never_checked(managed)

    assert periodic_check() == "check"
    for _ in range(600):
        last = managed.updater.status()["last_check"]
        if last and not managed.updater.status()["running"]:
            break
        time.sleep(0.1)

    assert last["target"]["version"] == "v1.1.0"
    assert periodic_check() == "not due"


def test_with_automatic_updates_on_the_task_applies(managed):
    managed.write_config(auto_apply=True)
    _never_checked(managed)

    assert periodic_check() == "apply --if-available"
    for _ in range(1200):
        if managed.updater.status()["current"]["version"] == "v1.1.0" and not managed.updater.status()["running"]:
            break
        time.sleep(0.1)
    assert managed.get("/version") == "v1.1.0"

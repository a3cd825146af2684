"""The follower in each engine process applies the latest settings even when it missed the
announcement, reads the database when Redis holds none, and reports what it runs through the
process's presence record."""
import json
import time

import pytest
import redis
from django.conf import settings

from appliance.engine import EngineConfig, ModelManager
from appliance.panel.engine_settings import saved_engine_settings
from appliance.panel.models import ApplianceSettings
from appliance.runtime import follower as broadcast
from appliance.runtime import presence


@pytest.fixture
def empty_manager(data_dir):
    manager = ModelManager(EngineConfig(data_dir=data_dir, device="cpu", preload=()))
    yield manager
    manager.close()


@pytest.fixture
def follower(empty_manager):
    started = []

    def start(**kwargs):
        follower = broadcast.ConfigFollower(empty_manager, settings.REDIS_URL, identity="test:follower", **kwargs)
        follower.presence = presence.Presence("worker", describe=follower.state, identity="test:follower")
        follower.presence.start()
        started.append(follower.start())
        return follower

    yield start
    for follower in started:
        follower.stop()
        follower.presence.stop()


def settings_payload(revision, **changes):
    return {"revision": revision, "preload": [], "device": "cpu", "compute_types": {"cpu": "int8"},
            "idle_ttl_seconds": 60, "memory_budget_mb": {"cpu": 900}, **changes}


def test_a_stored_revision_is_applied_without_any_announcement(follower, empty_manager, redis_url, wait_until):
    running = follower()
    wait_until(lambda: presence.present(), what="the first report")

    # Written as a Redis restart or a dropped subscription would leave it: stored, never announced.
    redis.Redis.from_url(redis_url).set(broadcast.DESIRED_KEY, json.dumps(settings_payload(7, idle_ttl_seconds=120)))

    wait_until(lambda: running.applied_revision == 7, timeout_seconds=3 * broadcast.REPORT_INTERVAL_SECONDS,
               what="revision 7")
    assert empty_manager.config.idle_ttl_seconds == 120
    assert empty_manager.config.memory_budget_mb == {"cpu": 900}


def test_an_announced_revision_changes_the_running_managers_config(follower, empty_manager, redis_url, wait_until):
    running = follower()
    wait_until(lambda: presence.present(), what="the first report")

    broadcast.publish(redis_url, settings_payload(8, compute_types={"cpu": "float32"}))

    report = wait_until(
        lambda: next((r for r in presence.present() if r["applied_revision"] == 8), None),
        what="the report of revision 8")
    assert running.error == ""
    assert empty_manager.config.compute_type == "float32"
    assert report["budget_mb"] == {"cpu": 900} and report["rss_mb"] > 0 and report["role"] == "worker"


@pytest.mark.django_db(transaction=True)
def test_with_nothing_in_redis_the_saved_settings_are_read_from_the_database_and_stored(follower, redis_url,
                                                                                       wait_until):
    ApplianceSettings.objects.create(pk=1, preload_models=[], device="cpu", idle_ttl_seconds=300, revision=12)

    running = follower(desired_fallback=saved_engine_settings)

    wait_until(lambda: running.applied_revision == 12, what="revision 12 from the database")
    assert broadcast.read_desired(redis_url)["idle_ttl_seconds"] == 300


def test_a_stopped_process_leaves_no_report_behind(follower, redis_url, wait_until):
    running = follower()
    wait_until(lambda: presence.present(), what="the first report")

    running.stop()
    running.presence.stop()

    assert not running.running
    assert presence.present() == []


def test_the_record_of_a_process_that_stopped_beating_expires(redis_url):
    # As a killed process leaves it: written once, never refreshed (here with a one-second TTL).
    client = redis.Redis.from_url(redis_url)
    client.set(presence.KEY_PREFIX + "gone:1", json.dumps({"identity": "gone:1", "role": "worker"}), ex=1)
    assert presence.is_present("gone:1")

    time.sleep(1.5)

    assert presence.present() == [] and not presence.is_present("gone:1")


@pytest.mark.django_db
def test_a_revision_redis_missed_is_sent_again_when_the_panel_is_viewed(admin_client, engine_settings_form,
                                                                       redis_url):
    from django.urls import reverse

    admin_client.post(reverse("panel:models"), engine_settings_form(preload=()))
    admin_client.post(reverse("panel:models"), engine_settings_form(preload=("tiny.en",)))
    # As if Redis had been unreachable during the second save: it still holds revision 1.
    redis.Redis.from_url(redis_url).set(broadcast.DESIRED_KEY, json.dumps(settings_payload(1)))

    admin_client.get(reverse("panel:model-state"))

    assert broadcast.read_desired(redis_url)["revision"] == 2
    assert broadcast.read_desired(redis_url)["preload"] == ["tiny.en"]

""""Unload now" in the catalog frees a model in the process that holds it within seconds, so it
can be deleted without waiting for the idle time; a preloaded model is refused with a reason."""
import pytest
from django.conf import settings
from django.urls import reverse

from appliance.engine import EngineConfig, ModelManager
from appliance.runtime import follower as settings_follower
from appliance.runtime import presence
from appliance.panel.models import ApplianceSettings, AuditLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower_with_tiny_loaded(data_dir, redis_url, wait_until):
    """A process following the panel's settings (its preload set empty) that loaded tiny.en for a job."""
    ApplianceSettings.objects.create(pk=ApplianceSettings.SINGLETON_ID, preload_models=[])
    settings_follower.publish(redis_url, ApplianceSettings.current().engine_settings())
    manager = ModelManager(EngineConfig(data_dir=data_dir, device="cpu", preload=()))
    # As appliance.runtime.lifecycle wires a worker: the follower reports through the presence.
    follower = settings_follower.ConfigFollower(manager, settings.REDIS_URL, identity="test:unload")
    follower.presence = presence.Presence("worker", describe=follower.state, identity="test:unload").start()
    follower.start()
    wait_until(lambda: follower.applied_revision == 0, what="the panel's settings applied")
    manager.ensure_loaded("tiny.en")
    follower.report()
    wait_until(lambda: record_of_the_test_process()["loaded"], what="a record with tiny.en")
    yield manager
    follower.stop()
    follower.presence.stop()
    manager.close()


def record_of_the_test_process():
    return next(record for record in presence.present() if record["identity"] == "test:unload")


def test_unload_now_frees_the_model_and_the_catalog_then_offers_delete(
    admin_client, follower_with_tiny_loaded, redis_url, wait_until
):
    catalog = admin_client.get(reverse("panel:model-state")).json()["catalog_html"]
    assert "Unload now" in catalog

    response = admin_client.post(reverse("panel:model-unload", args=["tiny.en"]), follow=True)

    message = response.content.decode()
    assert "test:unload" in message and "to unload tiny.en; it is gone within seconds" in message
    wait_until(lambda: not follower_with_tiny_loaded.is_loaded("tiny.en"), timeout_seconds=10,
               what="tiny.en unloaded")
    wait_until(lambda: not record_of_the_test_process()["loaded"], timeout_seconds=10, what="the record without tiny.en")
    assert "Unload now" not in admin_client.get(reverse("panel:model-state")).json()["catalog_html"]
    assert AuditLogEntry.objects.filter(action="models.unload", target="tiny.en").exists()


def test_a_preloaded_model_is_not_unloaded_and_the_reason_is_given(admin_client, follower_with_tiny_loaded):
    ApplianceSettings.objects.filter(pk=ApplianceSettings.SINGLETON_ID).update(preload_models=["tiny.en"])

    response = admin_client.post(reverse("panel:model-unload", args=["tiny.en"]), follow=True)

    assert "tiny.en is in the preload set: take it out and save" in response.content.decode()
    assert follower_with_tiny_loaded.is_loaded("tiny.en")


def test_staff_cannot_unload_models(staff_client):
    assert staff_client.post(reverse("panel:model-unload", args=["tiny.en"])).status_code == 403

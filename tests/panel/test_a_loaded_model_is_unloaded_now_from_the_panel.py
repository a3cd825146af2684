""""Unload now" in the catalog frees a model in the process that holds it within seconds, so it
can be deleted without waiting for the idle time; a preloaded model is refused with a reason."""
import pytest
from django.conf import settings
from django.urls import reverse

from appliance.engine import EngineConfig, ModelManager
from appliance.panel import broadcast
from appliance.panel.models import ApplianceSettings, AuditLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower_with_tiny_loaded(data_dir, redis_url, wait_until):
    """A process following the panel's settings (its preload set empty) that loaded tiny.en for a job."""
    ApplianceSettings.objects.create(pk=ApplianceSettings.SINGLETON_ID, preload_models=[])
    broadcast.publish(redis_url, ApplianceSettings.current().engine_settings())
    manager = ModelManager(EngineConfig(data_dir=data_dir, device="cpu", preload=()))
    follower = broadcast.ConfigFollower(manager, settings.REDIS_URL, identity="test:unload").start()
    wait_until(lambda: follower.applied_revision == 0, what="the panel's settings applied")
    manager.ensure_loaded("tiny.en")
    wait_until(lambda: any(report["loaded"] for report in broadcast.read_reports(redis_url)),
               timeout_seconds=3 * broadcast.REPORT_INTERVAL_SECONDS, what="a report with tiny.en")
    yield manager
    follower.stop()
    manager.close()


def test_unload_now_frees_the_model_and_the_catalog_then_offers_delete(
    admin_client, follower_with_tiny_loaded, redis_url, wait_until
):
    catalog = admin_client.get(reverse("panel:model-state")).json()["catalog_html"]
    assert "Unload now" in catalog

    response = admin_client.post(reverse("panel:model-unload", args=["tiny.en"]), follow=True)

    assert "Asked test:unload to unload tiny.en" in response.content.decode()
    wait_until(lambda: not follower_with_tiny_loaded.is_loaded("tiny.en"), timeout_seconds=10,
               what="tiny.en unloaded")
    wait_until(lambda: all(not report["loaded"] for report in broadcast.read_reports(redis_url)),
               timeout_seconds=10, what="the report without tiny.en")
    assert "Unload now" not in admin_client.get(reverse("panel:model-state")).json()["catalog_html"]
    assert AuditLogEntry.objects.filter(action="models.unload", target="tiny.en").exists()


def test_a_preloaded_model_is_not_unloaded_and_the_reason_is_given(admin_client, follower_with_tiny_loaded):
    ApplianceSettings.objects.filter(pk=ApplianceSettings.SINGLETON_ID).update(preload_models=["tiny.en"])

    response = admin_client.post(reverse("panel:model-unload", args=["tiny.en"]), follow=True)

    assert "tiny.en is in the preload set: take it out and save" in response.content.decode()
    assert follower_with_tiny_loaded.is_loaded("tiny.en")


def test_staff_cannot_unload_models(staff_client):
    assert staff_client.post(reverse("panel:model-unload", args=["tiny.en"])).status_code == 403

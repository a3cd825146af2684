"""A memory budget too small for the preload set is refused by the panel, and a worker told to
load beyond its budget refuses and says so."""
import pytest
from django.conf import settings
from django.urls import reverse

from appliance.runtime import follower
from appliance.panel.models import ApplianceSettings, AuditLogEntry


@pytest.mark.django_db
def test_the_panel_refuses_a_budget_smaller_than_the_preload_set_and_saves_nothing(admin_client,
                                                                                   engine_settings_form):
    response = admin_client.post(reverse("panel:models"), engine_settings_form(preload=("tiny.en",), budget_cpu=64))

    assert response.status_code == 400
    page = response.content.decode()
    assert "The preload set needs about" in page and "but its memory budget is 64 MB" in page
    assert not ApplianceSettings.objects.exists()
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_the_panel_refuses_a_budget_beyond_the_machines_memory(admin_client, engine_settings_form):
    response = admin_client.post(reverse("panel:models"), engine_settings_form(budget_cpu=10**9))

    assert response.status_code == 400
    assert "Ensure this value is less than or equal to" in response.content.decode()


@pytest.mark.django_db
def test_the_panel_refuses_to_preload_a_model_that_is_not_installed(admin_client, engine_settings_form):
    response = admin_client.post(reverse("panel:models"), engine_settings_form(preload=("large-v3",)))

    assert response.status_code == 400
    assert "large-v3 is not one of the available choices" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_told_to_preload_beyond_its_budget_refuses_and_reports_why(worker_process, worker_report):
    worker = worker_process(name="panel-budget")
    first = worker_report(lambda report: report["pid"] in worker.task_pids(), what="the worker's report")
    follower.publish(settings.REDIS_URL, {"revision": 101, "preload": [], "device": "cpu", "compute_types": {},
                                           "idle_ttl_seconds": 900, "memory_budget_mb": {}})
    worker_report(lambda report: report["identity"] == first["identity"] and report["applied_revision"] == 101
                  and not report["loaded"], what="an empty worker")

    # Sent straight to Redis, past the panel's own check: the worker must still hold the line.
    follower.publish(settings.REDIS_URL, {"revision": 102, "preload": ["tiny.en"], "device": "cpu",
                                           "compute_types": {}, "idle_ttl_seconds": 900,
                                           "memory_budget_mb": {"cpu": 20}})
    refused = worker_report(lambda report: report["identity"] == first["identity"]
                            and report["applied_revision"] == 102, what="revision 102 applied")

    assert refused["loaded"] == []
    assert "memory budget of cpu is 20 MB" in refused["error"]
    assert refused["budget_mb"] == {"cpu": 20}

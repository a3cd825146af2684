"""Saving the preload set in the panel makes a running worker load and unload models, without
a restart, and the page then shows what the worker really holds."""
import pytest
from django.urls import reverse

from appliance.panel.models import ApplianceSettings


def loaded_names(report):
    return sorted(model["name"] for model in report["loaded"])


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_follows_the_preload_set_both_ways(admin_client, worker_process, worker_report,
                                                            engine_settings_form):
    worker = worker_process(name="panel-follow")
    started = worker_report(lambda report: report["pid"] in worker.task_pids() and report["loaded"],
                            what="the worker's first report with its preloaded model")
    assert loaded_names(started) == ["tiny.en"]

    response = admin_client.post(reverse("panel:models"), engine_settings_form(preload=()))
    assert response.status_code == 302
    revision = ApplianceSettings.current().revision

    unloaded = worker_report(lambda report: report["identity"] == started["identity"]
                             and report["applied_revision"] == revision and not report["loaded"],
                             what="tiny.en unloaded")
    assert unloaded["error"] == ""

    admin_client.post(reverse("panel:models"), engine_settings_form(preload=("tiny.en",)))
    reloaded = worker_report(lambda report: report["identity"] == started["identity"]
                             and report["applied_revision"] == revision + 1 and report["loaded"],
                             what="tiny.en loaded again")
    model = reloaded["loaded"][0]
    assert (model["name"], model["device"], model["compute_type"], model["preloaded"]) == \
        ("tiny.en", "cpu", "int8", True)
    assert model["memory_mb"] > 0

    page = admin_client.get(reverse("panel:models")).content.decode()
    assert started["identity"] in page and f"revision {revision + 1} applied" in page

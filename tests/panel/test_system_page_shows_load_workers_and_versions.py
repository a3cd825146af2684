"""The System page: host load, queue depth, live workers with their models, and versions."""
from importlib import metadata

import pytest
from django.urls import reverse

from appliance.celery import app
from appliance.runtime.manager import current_speaker_models, get_model_manager
from appliance.panel import system_status


@pytest.mark.django_db
def test_it_shows_the_versions_of_the_software_that_runs(admin_client):
    page = admin_client.get(reverse("panel:system")).content.decode()

    assert metadata.version("faster-whisper") in page and metadata.version("ctranslate2") in page
    assert system_status.git_revision() in page
    assert "No NVIDIA GPU is available on this machine" in page


def test_the_git_revision_comes_from_the_checkout_or_says_why_not(tmp_path):
    assert not system_status.git_revision().startswith("unknown")
    assert system_status.git_revision(tmp_path) == "unknown (not a git checkout)"


@pytest.mark.django_db
def test_queue_depth_counts_messages_no_worker_has_taken(redis_url):
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("panel-test-queue")
        for number in range(3):
            app.send_task("jobs.transcribe", args=[number], queue="panel-test-queue", connection=connection)

    assert system_status.queue_depth(["panel-test-queue"]) == 3
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("panel-test-queue")


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_is_listed_with_the_models_it_holds(admin_client, celery_worker, worker_report):
    # The in-process worker's ModelManager lives for the whole run: drop what earlier tests loaded.
    manager = get_model_manager()
    for model in manager.loaded_models():
        if not model.preloaded:
            manager.unload(model.name)
    if current_speaker_models() is not None:  # an earlier test's diarization loaded the speaker model
        current_speaker_models().unload()
    worker_report(lambda report: [model["name"] for model in report["loaded"]] == ["tiny.en"],
                  what="the in-process worker's report with only tiny.en")

    page = admin_client.get(reverse("panel:system")).content.decode()

    row = next(row for row in system_status.workers() if row["role"] == "worker")
    assert row["loaded"] == ["tiny.en"] and row["busy"] is False and row["rss_mb"] > 0
    assert row["identity"] in page and "No worker is alive" not in page

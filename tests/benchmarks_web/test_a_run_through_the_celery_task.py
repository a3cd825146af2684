"""A quick run of one cheap suite, queued from the page and run by a real Celery worker."""
import time

import pytest
from django.urls import reverse

from benchmarks.web.models import BenchmarkRun


def _wait_until_finished(run, timeout_seconds=120):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            return run
        time.sleep(0.5)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout_seconds} s")


@pytest.mark.django_db(transaction=True)
def test_a_quick_run_with_an_uploaded_recording_completes_and_stores_results(admin_client, celery_worker, speech_wav):
    with open(speech_wav, "rb") as recording:
        response = admin_client.post(reverse("benchmarks:index"),
                                     {"suites": ["preload"], "quick": "on", "audio": recording})

    assert response.status_code == 302
    run = _wait_until_finished(BenchmarkRun.objects.get())
    assert run.status == "done", run.error or run.results
    assert run.progress == 1.0 and run.started_at and run.finished_at
    result = run.results["preload"]
    assert result["audio"].startswith(f"{speech_wav.name} (") and run.audio_label == result["audio"]
    assert result["summary"]["preloaded_first_request_seconds"] > 0
    assert run.machine["cores_usable"] >= 1
    page = admin_client.get(reverse("benchmarks:run", args=[run.pk])).content.decode()
    assert "preloaded_first_request_seconds" in page and speech_wav.name in page

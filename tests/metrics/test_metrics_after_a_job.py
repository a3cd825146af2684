"""After a real job through the queue and the worker, /metrics tells what happened.

Totals live in this run's Redis for the whole session (as they do for the life of an appliance),
so each test compares a scrape taken before its job with one taken after."""
import time

import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until_finished(job_id, timeout_seconds=120):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        job = Transcription.objects.get(public_id=job_id)
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.fixture
def upload(staff_client, speech_wav):
    def post():
        with open(speech_wav, "rb") as audio:
            response = staff_client.post("/api/jobs/", {"files": audio}, HTTP_ACCEPT="application/json")
        assert response.status_code == 201, response.content
        return response.json()["jobs"][0]["id"]

    return post


@pytest.fixture
def run_job(upload, celery_worker):
    def run():
        job = wait_until_finished(upload())
        assert job.status == "done", job.error_message
        return job

    return run


def increase(before, after, name):
    return after.get(name, 0) - before.get(name, 0)


def test_a_job_adds_to_the_totals_and_histograms(run_job, scrape):
    before = scrape()
    job = run_job()
    after = scrape()

    assert after['whisper_appliance_jobs{status="done"}'] == 1
    assert after['whisper_appliance_jobs{status="queued"}'] == 0
    assert increase(before, after, "whisper_appliance_jobs_done_total") == 1
    assert increase(before, after, "whisper_appliance_audio_seconds_transcribed_total") == pytest.approx(job.duration_seconds)
    assert increase(before, after, "whisper_appliance_job_processing_seconds_count") == 1
    assert increase(before, after, "whisper_appliance_job_processing_seconds_sum") == pytest.approx(job.processing_seconds)
    assert increase(before, after, 'whisper_appliance_job_processing_seconds_bucket{le="+Inf"}') == 1
    assert increase(before, after, "whisper_appliance_job_real_time_factor_count") == 1
    assert increase(before, after, "whisper_appliance_job_real_time_factor_sum") == pytest.approx(job.real_time_factor)
    assert after['whisper_appliance_queue_depth{queue="celery"}'] == 0
    assert all(value == 1 for name, value in after.items() if name.startswith("whisper_appliance_collector_up"))


def test_a_job_is_counted_once_however_often_prometheus_scrapes(run_job, scrape):
    before = scrape()
    run_job()
    first, second = scrape(), scrape()

    assert increase(before, first, "whisper_appliance_jobs_done_total") == 1
    assert second["whisper_appliance_jobs_done_total"] == first["whisper_appliance_jobs_done_total"]


def test_deleting_a_job_does_not_lower_the_counters(run_job, scrape, staff_client):
    job = run_job()
    before = scrape()
    staff_client.delete(f"/api/jobs/{job.public_id}/")
    after = scrape()

    assert after['whisper_appliance_jobs{status="done"}'] == 0
    assert increase(before, after, "whisper_appliance_audio_seconds_transcribed_total") == 0
    assert increase(before, after, "whisper_appliance_jobs_done_total") == 0


def test_the_workers_loaded_models_and_their_memory_appear(run_job, scrape):
    run_job()
    samples = scrape()

    loaded = [name for name in samples if name.startswith("whisper_appliance_model_loaded{") and 'model="tiny.en"' in name]
    assert loaded
    labels = loaded[0][len("whisper_appliance_model_loaded"):]
    assert samples[f"whisper_appliance_model_memory_bytes{labels}"] > 10 * 2**20
    assert samples[f"whisper_appliance_model_load_seconds{labels}"] > 0
    assert samples["whisper_appliance_workers"] >= 1
    assert samples["whisper_appliance_live_sessions_limit"] >= 0


def test_waiting_jobs_show_as_queue_depth(upload, scrape, no_worker):
    upload()
    samples = scrape()

    assert samples['whisper_appliance_queue_depth{queue="celery"}'] == 1
    assert samples['whisper_appliance_jobs{status="queued"}'] == 1

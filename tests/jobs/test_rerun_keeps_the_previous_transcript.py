"""A rerun keeps the transcript it replaces until the new one is done: it still downloads while the
rerun waits or runs, and it comes back, done, when the rerun is cancelled or fails."""
import pytest

from appliance.jobs import runner
from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def done_job(upload, speech_wav, celery_worker, wait_for):
    return wait_for(Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"]))


def _download(client, job, fmt="txt"):
    return client.get(f"/api/jobs/{job.public_id}/download/{fmt}")


def test_cancelling_a_queued_rerun_through_the_api_keeps_the_previous_transcript(done_job, staff_client, celery_worker):
    before = _download(staff_client, done_job).content
    celery_worker.consumer.cancel_task_queue("celery")  # the rerun stays queued while it is cancelled

    rerun = staff_client.post(f"/api/jobs/{done_job.public_id}/rerun/", {"model": "tiny.en", "vad": "false"})
    assert rerun.status_code == 202 and rerun.json()["status"] == "queued"
    detail = staff_client.get(f"/api/jobs/{done_job.public_id}/").json()
    assert detail["previous_transcript_kept"] and detail["result"] is None
    assert _download(staff_client, done_job).content == before  # still there while the rerun waits
    cancelled = staff_client.post(f"/api/jobs/{done_job.public_id}/cancel/")

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "done"
    assert "cancelled" in cancelled.json()["error"] and "previous transcript is kept" in cancelled.json()["error"]
    assert _download(staff_client, done_job).content == before
    job = Transcription.objects.get(pk=done_job.pk)
    assert job.vad and job.previous_run is None and job.finished_at == done_job.finished_at
    celery_worker.consumer.add_task_queue("celery")


def test_cancelling_a_running_rerun_keeps_the_previous_transcript(
    upload, long_speech, staff_client, celery_worker, wait_for, until
):
    job = wait_for(Transcription.objects.get(public_id=upload(long_speech).json()["jobs"][0]["id"]))
    before = _download(staff_client, job, "srt").content

    staff_client.post(f"/api/jobs/{job.public_id}/rerun/", {"batch_size": "1", "word_timestamps": "true"})
    until(lambda: Transcription.objects.filter(pk=job.pk, status="running").exists(), what="the rerun to start")
    assert _download(staff_client, job, "srt").content == before
    staff_client.post(f"/api/jobs/{job.public_id}/cancel/")
    job = wait_for(job, statuses=("done",))

    assert _download(staff_client, job, "srt").content == before
    assert not job.word_timestamps and job.batch_size == 8  # the options of the kept run
    assert "cancelled" in job.error_message


def test_a_failed_rerun_brings_the_previous_transcript_back(done_job, staff_client):
    before = _download(staff_client, done_job).content
    job = Transcription.objects.get(pk=done_job.pk)
    job.keep_current_run()
    job.status, job.result = "running", None
    job.save()

    runner._finish(job, "failed", "The model file is damaged.")

    job.refresh_from_db()
    assert job.status == "done" and "failed (The model file is damaged.)" in job.error_message
    assert _download(staff_client, job).content == before


def test_a_successful_rerun_replaces_the_kept_transcript(done_job, staff_client, wait_for):
    staff_client.post(f"/api/jobs/{done_job.public_id}/rerun/", {"word_timestamps": "true"})
    job = wait_for(Transcription.objects.get(pk=done_job.pk), statuses=("done",))

    assert job.previous_run is None and job.error_message == "" and job.segments[0]["words"]

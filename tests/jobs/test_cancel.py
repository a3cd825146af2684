import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


def job_of(response):
    return Transcription.objects.get(public_id=response.json()["jobs"][0]["id"])


def test_cancelling_a_queued_job_cancels_it_at_once_and_no_worker_runs_it(upload, speech_wav, staff_client, celery_worker, wait_for):
    celery_worker.consumer.cancel_task_queue("celery")  # nothing consumes while we cancel
    job = job_of(upload(speech_wav))

    response = staff_client.post(f"/api/jobs/{job.public_id}/cancel/")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    celery_worker.consumer.add_task_queue("celery")
    job = wait_for(job)
    assert (job.status, job.attempts, job.result) == ("cancelled", 0, None)


def test_cancelling_a_running_job_stops_the_engine(upload, long_speech, staff_client, celery_worker, wait_for, until):
    job = job_of(upload(long_speech, batch_size="1"))
    until(lambda: Transcription.objects.filter(pk=job.pk, status="running").exists(), what="the job to start")

    staff_client.post(f"/jobs/{job.public_id}/cancel")

    job = wait_for(job)
    assert job.status == "cancelled"
    assert job.result is None and job.finished_at is not None


def test_a_finished_job_cannot_be_cancelled(upload, speech_wav, staff_client, celery_worker, wait_for):
    job = wait_for(job_of(upload(speech_wav)))

    response = staff_client.post(f"/api/jobs/{job.public_id}/cancel/")

    assert response.status_code == 409
    assert response.json()["error"] == "The job is already done."

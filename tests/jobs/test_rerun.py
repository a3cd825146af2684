import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_finished_job_runs_again_with_other_options(upload, speech_wav, staff_client, celery_worker, wait_for):
    job = wait_for(Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"]))
    assert not job.segments[0]["words"]

    response = staff_client.post(f"/jobs/{job.public_id}/rerun", {"word_timestamps": "true", "vad": "false"})

    assert response.status_code == 302
    job = wait_for(job)
    assert job.status == "done" and job.word_timestamps and not job.vad
    assert job.segments[0]["words"], "word timestamps were asked for"
    assert job.attempts == 1


def test_a_job_still_running_cannot_be_run_again(upload, speech_wav, staff_client):
    job = Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"])

    response = staff_client.post(f"/api/jobs/{job.public_id}/rerun/", {"model": "tiny.en"})

    assert response.status_code == 409
    assert "not finished" in response.json()["error"]

import os

import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_a_job_removes_its_audio_and_its_transcript(upload, speech_wav, staff_client, celery_worker, wait_for):
    job = wait_for(Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"]))
    audio_path = job.audio.path
    assert os.path.exists(audio_path) and job.result

    response = staff_client.post(f"/jobs/{job.public_id}/delete")

    assert response.status_code == 302 and response["Location"] == "/jobs/"
    assert not Transcription.objects.filter(pk=job.pk).exists()
    assert not os.path.exists(audio_path)
    assert staff_client.get(f"/api/jobs/{job.public_id}/").status_code == 404


def test_deleting_through_the_api_answers_204(upload, speech_wav, staff_client):
    job = Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"])
    audio_path = job.audio.path

    assert staff_client.delete(f"/api/jobs/{job.public_id}/").status_code == 204
    assert not os.path.exists(audio_path)


def test_deleting_a_running_job_stops_the_worker_cleanly(upload, long_speech, staff_client, celery_worker, until):
    job = Transcription.objects.get(public_id=upload(long_speech, batch_size="1").json()["jobs"][0]["id"])
    until(lambda: Transcription.objects.filter(pk=job.pk, status="running").exists(), what="the job to start")

    staff_client.delete(f"/api/jobs/{job.public_id}/")

    # The worker notices within a second and takes the next job: a new upload finishes.
    second = Transcription.objects.get(public_id=upload(long_speech).json()["jobs"][0]["id"])
    until(lambda: Transcription.objects.filter(pk=second.pk, status="done").exists(), what="the next job")
    assert not Transcription.objects.filter(pk=job.pk).exists()

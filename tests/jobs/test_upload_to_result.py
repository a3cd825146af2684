import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg", "m4a"])
def test_an_uploaded_file_goes_through_the_queue_and_the_worker_to_a_transcript(
    fmt, make_audio, upload, celery_worker, wait_for, speech_keywords
):
    response = upload(make_audio(fmt))

    assert response.status_code == 201, response.content
    job = Transcription.objects.get(public_id=response.json()["jobs"][0]["id"])
    wait_for(job)
    assert job.status == "done", job.error_message
    text = " ".join(segment["text"] for segment in job.segments).lower()
    assert all(word in text for word in speech_keywords), text
    assert job.progress == 1.0
    assert job.detected_language == "en"
    assert job.model_used == "tiny.en" and job.device_used == "cpu"
    assert job.processing_seconds > 0 and job.real_time_factor > 0
    assert job.duration_seconds == pytest.approx(job.result["duration"], abs=0.5)
    assert job.attempts == 1

"""The same audio uploaded again with the same model and options finishes at once from the earlier
transcript (real worker for the first run; the second must not need it)."""
import pytest
from django.test import Client

from appliance.jobs.models import JobDefaults, Transcription

pytestmark = pytest.mark.django_db(transaction=True)


def _job(response):
    assert response.status_code == 201, response.content
    return Transcription.objects.get(public_id=response.json()["jobs"][0]["id"])


@pytest.fixture
def transcribed(upload, speech_wav, celery_worker, wait_for):
    job = wait_for(_job(upload(speech_wav)))
    assert job.status == "done" and job.cached_from is None
    return job


def test_the_same_audio_again_is_done_at_once_with_the_same_transcript(upload, speech_wav, transcribed, staff_client):
    again = _job(upload(speech_wav))

    assert again.status == "done", "answered in the request, without a worker"
    assert again.cached_from == transcribed
    assert again.segments == transcribed.segments
    assert again.audio_sha256 == transcribed.audio_sha256 and len(again.audio_sha256) == 64
    assert again.revisions.count() == 1, "the copy is the new job's machine transcript"
    assert staff_client.get(f"/api/jobs/{again.public_id}/").json()["from_cache"] is True
    page = staff_client.get(f"/jobs/{again.public_id}/").content.decode()
    assert 'id="from-cache"' in page and 'href="#rerun"' in page
    assert staff_client.get(f"/api/jobs/{again.public_id}/download/srt").status_code == 200


def test_other_options_are_transcribed_anew(upload, speech_wav, transcribed):
    again = _job(upload(speech_wav, word_timestamps="true"))

    assert again.cached_from is None and again.status in ("queued", "running")


def test_cache_false_transcribes_the_same_audio_anew(upload, speech_wav, transcribed):
    again = _job(upload(speech_wav, cache="false"))

    assert again.cached_from is None and again.status in ("queued", "running", "done")
    assert again.audio_sha256 == transcribed.audio_sha256


def test_a_cache_value_that_is_no_yes_or_no_is_refused_and_nothing_is_stored(upload, speech_wav, transcribed):
    response = upload(speech_wav, cache="sometimes")

    assert response.status_code == 400
    assert "cache must be true or false" in response.json()["error"]
    assert list(Transcription.objects.all()) == [transcribed]


def test_the_cache_copies_the_machine_transcript_not_the_owners_edits(upload, speech_wav, transcribed, staff_client):
    first = transcribed.segments[0]
    edit = {"revision": 1, "segments": [{"id": 0, "text": " Edited by hand."}]}
    assert staff_client.patch(f"/api/jobs/{transcribed.public_id}/transcript/", edit,
                              content_type="application/json").status_code == 200

    again = _job(upload(speech_wav))

    assert again.segments[0]["text"] == first["text"]


def test_another_users_audio_is_answered_only_when_an_admin_widened_the_scope(
    upload, speech_wav, transcribed, other_staff_user
):
    other = Client()
    other.force_login(other_staff_user)
    assert _job(upload(speech_wav, client=other)).cached_from is None

    JobDefaults.objects.update_or_create(pk=JobDefaults.SINGLETON_ID, defaults={"cache_for_everyone": True})

    assert _job(upload(speech_wav, client=other)).cached_from == transcribed


def test_a_cached_job_runs_again_for_real(upload, speech_wav, transcribed, staff_client, wait_for):
    again = _job(upload(speech_wav))

    staff_client.post(f"/jobs/{again.public_id}/rerun", {"vad": "true"})

    again = wait_for(again)
    assert again.status == "done" and again.cached_from is None and again.attempts == 1

"""The job page with speakers: a colour and name per speaker, names to edit, a failed detection's warning."""
import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db

RESULT = {
    "segments": [
        {"id": 0, "start": 0.0, "end": 2.5, "text": " Hello team.", "speaker": "SPEAKER_1"},
        {"id": 1, "start": 2.8, "end": 5.0, "text": " See you on Friday.", "speaker": "SPEAKER_2"},
    ],
    "language": "en", "duration": 5.0,
    "diarization": {"speakers": [{"id": "SPEAKER_1", "seconds": 2.5}, {"id": "SPEAKER_2", "seconds": 2.2}]},
}


def _job(owner, result, **fields):
    return Transcription.objects.create(owner=owner, original_name="meeting.wav", model_name="tiny.en", status="done",
                                        duration_seconds=5.0, result=result, diarize=True, **fields)


def test_the_job_page_lists_the_speakers_with_their_names_and_marks_each_segment(staff_client, staff_user):
    job = _job(staff_user, RESULT, speaker_names={"SPEAKER_1": "Dr. Weber"})

    html = staff_client.get(f"/jobs/{job.public_id}/").content.decode()

    assert 'data-speaker="SPEAKER_1"' in html and 'data-speaker="SPEAKER_2"' in html
    assert 'name="SPEAKER_1" maxlength="80" value="Dr. Weber"' in html
    assert f'data-rename-url="/api/jobs/{job.public_id}/speakers/"' in html
    assert "webui/js/speakers.js" in html
    assert ">DOCX</a>" in html


def test_a_failed_speaker_detection_shows_its_warning_and_the_transcript(staff_client, staff_user):
    result = {**RESULT, "segments": [{"id": 0, "start": 0.0, "end": 2.5, "text": " Hello team."}],
              "diarization": {"warning": "Speaker detection failed: no memory. The transcript has no speakers."}}
    job = _job(staff_user, result)

    html = staff_client.get(f"/jobs/{job.public_id}/").content.decode()

    assert "Speaker detection failed: no memory." in html
    assert "Hello team." in html and 'id="speakers"' not in html


def test_the_upload_form_offers_speaker_detection_with_counts(staff_client):
    html = staff_client.get("/").content.decode()

    assert 'type="checkbox" name="diarize" value="true"' in html
    assert 'name="speakers"' in html and 'name="min_speakers"' in html and 'name="max_speakers"' in html

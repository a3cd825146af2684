"""POST /api/jobs/ with diarize=true: the worker finds the speakers, people name them, every
export follows the names. Real worker, real weights, an espeak-ng conversation of two voices."""
import io
import json

import pytest

from appliance.engine.files.results import Word
from appliance.jobs.models import Transcription
from benchmarks.conversation import conversation, word_speaker_accuracy
from benchmarks.speech import convert

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def two_voice_mp3(tmp_path_factory):
    directory = tmp_path_factory.mktemp("conversation")
    path, turns = conversation(directory, speakers=2, minimum_seconds=40)
    return convert(path, directory / "conversation.mp3", "-ac", "1", "-codec:a", "libmp3lame", "-b:a", "64k"), turns


def _finished_job(upload, wait_for, path, **options):
    response = upload(path, **options)
    assert response.status_code == 201, response.content
    job = Transcription.objects.get(public_id=response.json()["jobs"][0]["id"])
    wait_for(job, timeout_seconds=300)
    assert job.status == "done", job.error_message
    return job


def test_a_diarized_upload_has_two_speakers_and_most_words_right(two_voice_mp3, upload, wait_for, celery_worker,
                                                                  staff_client):
    path, turns = two_voice_mp3

    job = _finished_job(upload, wait_for, path, diarize="true", word_timestamps="true")

    assert [speaker["id"] for speaker in job.result["diarization"]["speakers"]] == ["SPEAKER_1", "SPEAKER_2"]
    assert all(segment["speaker"] in ("SPEAKER_1", "SPEAKER_2") for segment in job.segments)
    words = [Word(**word) for segment in job.segments for word in segment["words"]]
    assert word_speaker_accuracy(words, turns) >= 0.9
    detail = staff_client.get(f"/api/jobs/{job.public_id}/").json()
    assert detail["options"]["diarize"] is True and detail["warning"] is None


def test_renamed_speakers_appear_in_every_export(two_voice_mp3, upload, wait_for, celery_worker, staff_client):
    path, _ = two_voice_mp3
    job = _finished_job(upload, wait_for, path, diarize="true", speakers="2")
    assert "words" not in job.segments[0] or not job.segments[0]["words"]  # not asked for: left out

    renamed = staff_client.post(f"/api/jobs/{job.public_id}/speakers/", json.dumps({"SPEAKER_1": "Dr. Weber"}),
                                content_type="application/json")

    assert renamed.status_code == 200, renamed.content
    assert renamed.json() == {"speaker_names": {"SPEAKER_1": "Dr. Weber"}}
    download = f"/api/jobs/{job.public_id}/download/"
    assert staff_client.get(download + "txt").content.decode().startswith("Dr. Weber: ")
    assert "<v Dr. Weber>" in staff_client.get(download + "vtt").content.decode()
    assert "\tDr. Weber\t" in staff_client.get(download + "tsv").content.decode()
    assert "Speaker 2: " in staff_client.get(download + "srt").content.decode()
    document = json.loads(staff_client.get(download + "json").content)
    assert document["segments"][0]["speaker_name"] == "Dr. Weber"
    from docx import Document

    docx = staff_client.get(download + "docx")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Dr. Weber:" in "\n".join(paragraph.text for paragraph in Document(io.BytesIO(docx.content)).paragraphs)


def test_a_name_for_a_speaker_the_transcript_lacks_is_refused(two_voice_mp3, upload, wait_for, celery_worker,
                                                              staff_client, other_staff_user):
    from django.test import Client

    other_staff_client = Client()
    other_staff_client.force_login(other_staff_user)
    path, _ = two_voice_mp3
    job = _finished_job(upload, wait_for, path, diarize="true", max_speakers="3")
    url = f"/api/jobs/{job.public_id}/speakers/"

    unknown = staff_client.post(url, json.dumps({"SPEAKER_9": "Eve"}), content_type="application/json")
    foreign = other_staff_client.post(url, json.dumps({"SPEAKER_1": "Eve"}), content_type="application/json")

    assert unknown.status_code == 400 and "SPEAKER_9" in unknown.json()["error"]
    assert foreign.status_code == 404
    job.refresh_from_db()
    assert job.speaker_names == {}


@pytest.mark.parametrize("options, message", [
    ({"diarize": "true", "speakers": "0"}, "speakers must be a whole number from 1 to 10"),
    ({"diarize": "true", "speakers": "2", "max_speakers": "3"}, "either speakers"),
    ({"diarize": "maybe"}, "diarize must be true or false"),
])
def test_bad_speaker_options_are_refused_before_queueing(options, message, speech_wav, upload):
    response = upload(speech_wav, **options)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Transcription.objects.exists()


def test_a_finished_job_runs_again_with_speaker_detection(two_voice_mp3, upload, wait_for, celery_worker,
                                                          staff_client):
    # Saved live sessions are ordinary finished jobs: this is how they get speakers.
    path, _ = two_voice_mp3
    job = _finished_job(upload, wait_for, path)
    assert "diarization" not in job.result and "speaker" not in job.segments[0]

    response = staff_client.post(f"/api/jobs/{job.public_id}/rerun/", {"diarize": "true"})

    assert response.status_code == 202, response.content
    wait_for(job, timeout_seconds=300)
    assert job.status == "done" and job.diarize
    assert {segment["speaker"] for segment in job.segments} == {"SPEAKER_1", "SPEAKER_2"}

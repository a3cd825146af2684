"""The bar of issue 16 on real recorded speech (not espeak-ng): a LibriVox reader and a speaker
from an ICSI meeting recording take turns (benchmarks.recorded_speech, from the pocketsphinx
archive on PyPI), uploaded as mono MP3 through POST /api/jobs/ with diarize=true. Real worker,
real Whisper and speaker weights."""
import json

import pytest

from appliance.engine.files.results import Word
from appliance.jobs.models import Transcription
from benchmarks.conversation import word_speaker_accuracy
from benchmarks.recorded_speech import recorded_conversation
from benchmarks.speech import convert

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_two_real_voices_are_two_speakers_with_their_own_words(tmp_path, upload, wait_for, celery_worker, staff_client):
    wav, turns = recorded_conversation(tmp_path)
    mono_mp3 = convert(wav, tmp_path / "conversation.mp3", "-ac", "1", "-codec:a", "libmp3lame", "-b:a", "64k")

    response = upload(mono_mp3, diarize="true", word_timestamps="true")
    assert response.status_code == 201, response.content
    job = Transcription.objects.get(public_id=response.json()["jobs"][0]["id"])
    wait_for(job, timeout_seconds=300)
    assert job.status == "done", job.error_message

    assert [speaker["id"] for speaker in job.result["diarization"]["speakers"]] == ["SPEAKER_1", "SPEAKER_2"]
    words = [Word(**word) for segment in job.segments for word in segment["words"]]
    assert len(words) > 60
    assert word_speaker_accuracy(words, turns) >= 0.9
    exported = json.loads(staff_client.get(f"/api/jobs/{job.public_id}/download/json").content)
    assert exported["segments"] and all(segment["speaker"] in ("SPEAKER_1", "SPEAKER_2") for segment in exported["segments"])

"""The official openai client against a live appliance: every response_format, through the queue."""
import json
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

TIMESTAMP = r"\d\d:\d\d:\d\d[.,]\d\d\d"


def transcribe(client, path, **options):
    with open(path, "rb") as audio:
        return client.audio.transcriptions.create(file=audio, **options)


def words_heard(text, keywords):
    return [word for word in keywords if word in text.lower()]


def test_json_is_an_object_with_the_text(api_client, staff_token, speech_wav, speech_keywords, celery_worker):
    result = transcribe(api_client(staff_token), speech_wav, model="whisper-1")

    assert words_heard(result.text, speech_keywords) == list(speech_keywords)
    assert result.usage.seconds >= 5


def test_text_is_the_plain_transcript(api_client, staff_token, make_audio, speech_keywords, celery_worker):
    text = transcribe(api_client(staff_token), make_audio("mp3"), model="tiny.en", response_format="text")

    assert isinstance(text, str) and not text.lstrip().startswith("{")
    assert words_heard(text, speech_keywords) == list(speech_keywords)


@pytest.mark.parametrize("response_format", ["srt", "vtt"])
def test_subtitles_come_as_cues_with_timestamps(
    response_format, api_client, staff_token, speech_wav, speech_keywords, celery_worker
):
    subtitles = transcribe(api_client(staff_token), speech_wav, model="whisper-1", response_format=response_format)

    assert len(re.findall(rf"{TIMESTAMP} --> {TIMESTAMP}", subtitles)) >= 2
    assert words_heard(subtitles, speech_keywords) == list(speech_keywords)
    if response_format == "vtt":
        assert subtitles.startswith("WEBVTT")
    else:
        assert subtitles.startswith("1\n") and "," in subtitles.splitlines()[1]


def test_verbose_json_has_language_duration_and_timed_segments(
    api_client, staff_token, speech_wav, speech_keywords, celery_worker
):
    result = transcribe(api_client(staff_token), speech_wav, model="whisper-1", response_format="verbose_json")

    assert result.language == "english" and result.task == "transcribe"
    assert 8 < result.duration < 15
    assert result.segments and all(segment.end > segment.start for segment in result.segments)
    assert "".join(segment.text for segment in result.segments).strip() == result.text
    assert words_heard(result.text, speech_keywords) == list(speech_keywords)
    assert not result.words  # no word times unless asked for


def test_word_granularity_adds_word_timestamps(api_client, staff_token, speech_wav, celery_worker):
    result = transcribe(
        api_client(staff_token),
        speech_wav,
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )

    assert len(result.words) >= 20
    starts = [word.start for word in result.words]
    assert starts == sorted(starts) and all(word.end >= word.start for word in result.words)
    assert "team" in [word.word.lower().strip(".,") for word in result.words]
    assert result.segments


def test_language_and_prompt_reach_the_job(api_client, staff_token, staff_user, speech_wav, celery_worker):
    from appliance.jobs.models import Transcription

    with open(speech_wav, "rb") as audio:
        raw = api_client(staff_token).audio.transcriptions.with_raw_response.create(
            file=audio, model="tiny.en", language="en", prompt="Whisper appliance, Friday."
        )

    job = Transcription.objects.get(public_id=raw.headers["X-Job-Id"])
    assert job.owner == staff_user and job.language == "en"
    assert job.initial_prompt == "Whisper appliance, Friday."
    assert json.loads(raw.text)["text"]

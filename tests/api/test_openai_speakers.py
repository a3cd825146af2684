"""The official openai client asks for speakers: diarized_json, and verbose_json with diarize=true."""
import pytest

from benchmarks.conversation import conversation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def two_voices(tmp_path_factory):
    path, _ = conversation(tmp_path_factory.mktemp("openai-conversation"), speakers=2, minimum_seconds=25)
    return path


def test_diarized_json_has_segments_of_one_speaker_each(api_client, staff_token, two_voices, celery_worker):
    with open(two_voices, "rb") as audio:
        result = api_client(staff_token).audio.transcriptions.create(
            file=audio, model="whisper-1", response_format="diarized_json")

    document = result.model_dump() if hasattr(result, "model_dump") else result
    speakers = [segment["speaker"] for segment in document["segments"]]
    assert set(speakers) == {"Speaker 1", "Speaker 2"}
    assert speakers[0] == "Speaker 1"
    assert all(segment["type"] == "transcript.text.segment" and segment["text"] for segment in document["segments"])
    assert "weather" in document["text"].lower()


def test_verbose_json_with_diarize_has_speaker_fields_on_segments_and_words(
    api_client, staff_token, two_voices, celery_worker
):
    with open(two_voices, "rb") as audio:
        result = api_client(staff_token).audio.transcriptions.create(
            file=audio, model="whisper-1", response_format="verbose_json", timestamp_granularities=["word"],
            extra_body={"diarize": "true", "speakers": "2"})

    document = result.model_dump()
    assert {segment["speaker"] for segment in document["segments"]} == {"SPEAKER_1", "SPEAKER_2"}
    assert all(word["speaker"] in ("SPEAKER_1", "SPEAKER_2") for word in document["words"])
    assert [speaker["id"] for speaker in document["speakers"]] == ["SPEAKER_1", "SPEAKER_2"]


def test_a_bad_speaker_count_names_its_field(api_client, staff_token, two_voices, no_worker):
    import openai

    with open(two_voices, "rb") as audio, pytest.raises(openai.BadRequestError) as refusal:
        api_client(staff_token).audio.transcriptions.create(
            file=audio, model="whisper-1", response_format="diarized_json", extra_body={"speakers": "42"})

    assert refusal.value.body["param"] == "speakers"

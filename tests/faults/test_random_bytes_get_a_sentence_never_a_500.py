"""Item 4 of issue 19: random bytes under any audio name are refused with a sentence (4xx, never
500), and a request with many files answers for every one of them."""
import random

import pytest
from upload_tree import serving, token_client

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)

# FFmpeg used to pick its demuxer by these; .ac3 and .flac made it fail where no one caught it.
EXTENSIONS = ("mp3", "aac", "m4a", "wav", "ogg", "webm", "flac", "mp4", "amr", "ac3", "mpg", "ts", "opus", "wma", "mkv",
              "aiff", "caf", "m3u8", "bin", "")  # fmt: skip


def random_files(count, seed=19):
    generator = random.Random(seed)
    return [
        (f"noise-{index}.{EXTENSIONS[index % len(EXTENSIONS)]}".rstrip("."), generator.randbytes(20000 + index * 4999))
        for index in range(count)
    ]


def test_twenty_random_files_and_one_recording_in_one_request_each_get_their_answer(tmp_path, staff_user, speech_wav):
    noise = random_files(20)
    files = [("files", item) for item in noise] + [("files", ("speech.wav", speech_wav.read_bytes()))]
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        answer = client.post("/api/jobs/", files=files)

    assert answer.status_code == 201, answer.text
    assert [job["name"] for job in answer.json()["jobs"]] == ["speech.wav"]
    refused = {item["file"]: item["error"] for item in answer.json()["refused"]}
    assert sorted(refused) == sorted(name for name, _ in noise)
    for name, error in refused.items():
        assert error.startswith(f"{name}: ") and error.endswith("."), error
        assert "internal error" not in error, error
    assert Transcription.objects.filter(owner=staff_user).count() == 1


def test_random_bytes_alone_are_a_400_with_a_sentence_per_file(tmp_path, staff_user):
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        answers = [client.post("/api/jobs/", files={"files": item}) for item in random_files(20, seed=7)]

    assert [answer.status_code for answer in answers] == [400] * 20, [answer.text for answer in answers]
    assert all(len(answer.json()["refused"]) == 1 for answer in answers)
    assert not Transcription.objects.exists()


def test_the_openai_endpoint_refuses_random_bytes_with_its_error_shape(tmp_path, staff_user):
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        answers = [client.post("/v1/audio/transcriptions", files={"file": item}, data={"model": "whisper-1"})
                   for item in random_files(6, seed=3)]  # fmt: skip

    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["param"] == "file" and answer.json()["error"]["message"].endswith(".")

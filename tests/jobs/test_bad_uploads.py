"""Every kind of bad file is refused with a message naming it, and never stops the good files
sent in the same upload."""
import subprocess

import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    return path


@pytest.fixture
def text_as_wav(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("These are meeting notes, not audio.\n" * 50)
    return path


@pytest.fixture
def truncated_mp3(tmp_path, make_audio):
    whole = make_audio("mp3").read_bytes()
    path = tmp_path / "cut-off.mp3"
    path.write_bytes(whole[: len(whole) // 3])
    return path


@pytest.fixture
def big_wav(tmp_path):
    path = tmp_path / "big.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=40:r=16000",
         "-ac", "1", str(path)],
        check=True,
    )  # fmt: skip
    return path


def refusals(response):
    return {item["file"]: item["error"] for item in response.json()["refused"]}


def test_a_zero_byte_file_is_refused_while_the_good_file_is_queued(upload, empty_file, speech_wav):
    response = upload(empty_file, speech_wav)

    assert response.status_code == 201
    assert [job["name"] for job in response.json()["jobs"]] == ["speech.wav"]
    assert "empty.wav" in refusals(response)["empty.wav"]
    assert "empty" in refusals(response)["empty.wav"].lower()
    assert Transcription.objects.count() == 1


def test_a_text_file_renamed_to_wav_is_refused_as_not_audio(upload, text_as_wav, speech_wav):
    response = upload(text_as_wav, speech_wav)

    assert response.status_code == 201
    message = refusals(response)["notes.wav"]
    assert message.startswith("notes.wav: ") and "audio" in message.lower()


def test_a_truncated_mp3_is_refused_as_damaged(upload, truncated_mp3, speech_wav):
    response = upload(truncated_mp3, speech_wav)

    assert response.status_code == 201
    assert "cut-off.mp3" in refusals(response)


def test_a_file_over_the_size_limit_is_dropped_while_streaming(upload, big_wav, speech_wav, settings):
    settings.MAX_UPLOAD_MB = 1

    response = upload(big_wav, speech_wav)

    assert response.status_code == 201
    assert refusals(response)["big.wav"] == "big.wav: the file is larger than the 1 MB limit per file."
    assert [job["name"] for job in response.json()["jobs"]] == ["speech.wav"]


def test_a_file_longer_than_the_duration_limit_is_refused_with_both_durations(upload, speech_wav, make_audio, settings):
    settings.MAX_AUDIO_SECONDS = 5

    response = upload(make_audio("ogg"))

    assert response.status_code == 400
    message = refusals(response)["speech.ogg"]
    assert "longer than" in message and "5 s" in message
    assert Transcription.objects.count() == 0


def test_refused_files_leave_nothing_behind_on_disk(upload, empty_file, text_as_wav, data_dir):
    def files():
        return {path for path in data_dir.rglob("*") if path.is_file() and ("media" in path.parts or "tmp" in path.parts)}

    before = files()
    upload(empty_file, text_as_wav)

    assert files() == before


def test_unusable_options_refuse_the_whole_upload_with_the_reason(upload, speech_wav):
    response = upload(speech_wav, model="no-such-model")
    assert response.status_code == 400
    assert "no-such-model" in response.json()["error"]

    response = upload(speech_wav, task="translate")
    assert response.status_code == 400
    assert "English" in response.json()["error"]

    response = upload(speech_wav, batch_size="many")
    assert response.status_code == 400
    assert "batch_size" in response.json()["error"]
    assert Transcription.objects.count() == 0


def test_an_upload_without_files_says_so(upload):
    response = upload()
    assert response.status_code == 400
    assert "No file was sent" in response.json()["error"]


@pytest.fixture
def broker_down(settings):
    """Point the Celery app at a socket nobody listens on, and back afterwards."""
    from appliance.celery import app

    def use(url):
        app.conf.broker_url = url
        # The app keeps its connection and producer pools: drop them so the next send uses `url`.
        app._pool = None
        app.amqp._producer_pool = None

    use("redis+socket:///nonexistent/redis.sock")
    yield
    use(settings.CELERY_BROKER_URL)


@pytest.mark.django_db(transaction=True)
def test_a_job_that_cannot_be_queued_fails_with_a_message_instead_of_waiting_forever(upload, speech_wav, broker_down):
    response = upload(speech_wav)

    job = Transcription.objects.get(public_id=response.json()["jobs"][0]["id"])
    assert job.status == "failed" and "could not be queued" in job.error_message

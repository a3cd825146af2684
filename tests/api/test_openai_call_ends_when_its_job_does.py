"""A call waiting for its job answers as soon as someone else ends the job, and tells the client
not to send the file again (OpenAI clients otherwise retry 409 and 5xx on their own)."""
import threading
import time

import openai
import pytest

from appliance.jobs import services
from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


def call_in_background(client, path):
    outcome = {}

    def call():
        try:
            with open(path, "rb") as audio:
                outcome["result"] = client.audio.transcriptions.create(file=audio, model="whisper-1")
        except openai.APIStatusError as error:
            outcome["error"] = error

    thread = threading.Thread(target=call)
    thread.start()
    return thread, outcome


def queued_job(timeout_seconds=30):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        job = Transcription.objects.first()
        if job is not None:
            return job
        time.sleep(0.05)
    raise AssertionError("the call queued no job")


def test_cancelling_the_job_ends_the_call_with_409(api_client, staff_token, speech_wav, no_worker):
    thread, outcome = call_in_background(api_client(staff_token), speech_wav)
    job = queued_job()

    services.cancel(job)
    thread.join(30)

    error = outcome["error"]
    assert error.status_code == 409 and error.code == "job_cancelled"
    assert error.response.headers["x-should-retry"] == "false"
    assert error.response.headers["X-Job-Id"] == str(job.public_id)
    assert Transcription.objects.count() == 1  # not sent again


def test_deleting_the_job_ends_the_call_with_410(api_client, staff_token, speech_wav, no_worker):
    thread, outcome = call_in_background(api_client(staff_token), speech_wav)

    services.delete(queued_job())
    thread.join(30)

    error = outcome["error"]
    assert error.status_code == 410 and error.code == "job_deleted"
    assert not Transcription.objects.exists()


@pytest.fixture
def broken_model(data_dir, tiny_model_dir, api_client, staff_token):
    """A model directory that looks complete but whose weights are garbage (a bad copy)."""
    import shutil

    directory = data_dir / "models" / "tiny-broken-copy"
    directory.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(tiny_model_dir / name, directory / name)
    (directory / "model.bin").write_bytes(b"not CTranslate2 weights" * 100)
    # The server caches its model list for a few seconds.
    deadline = time.monotonic() + 30
    while directory.name not in [model.id for model in api_client(staff_token).models.list()]:
        assert time.monotonic() < deadline, "the server never listed the new model"
        time.sleep(0.5)
    yield directory.name
    shutil.rmtree(directory)


def test_a_job_the_worker_cannot_run_ends_the_call_with_500(
    api_client, staff_token, speech_wav, broken_model, celery_worker
):
    with open(speech_wav, "rb") as audio:
        with pytest.raises(openai.InternalServerError) as caught:
            api_client(staff_token).audio.transcriptions.create(file=audio, model=broken_model)

    error = caught.value
    assert error.code == "transcription_failed" and error.type == "server_error"
    assert error.response.headers["x-should-retry"] == "false"
    job = Transcription.objects.get()
    assert job.status == "failed" and job.error_message in error.message

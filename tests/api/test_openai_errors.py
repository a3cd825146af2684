"""Refusals come as OpenAI error objects with a status the official client maps to its exceptions."""
import httpx2
import openai
import pytest

from appliance.jobs.models import Transcription
from appliance.tokens.models import ApiToken
from appliance.tokens.services import revoke

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def not_audio(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("This is a shopping list, not a recording.\n" * 50)
    return path


def refusal(call):
    with pytest.raises(openai.APIStatusError) as caught:
        call()
    return caught.value


def transcribe(client, path, **options):
    with open(path, "rb") as audio:
        return client.audio.transcriptions.create(file=audio, **options)


def test_a_request_without_a_file_is_refused(appliance_server, staff_token):
    response = httpx2.post(
        f"{appliance_server}/v1/audio/transcriptions",
        data={"model": "whisper-1"},
        files={"other": ("x.txt", b"x")},
        headers={"Authorization": f"Bearer {staff_token}"},
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "file" and error["type"] == "invalid_request_error"
    assert "No file" in error["message"]


def test_a_file_that_is_not_audio_is_refused(api_client, staff_token, not_audio):
    error = refusal(lambda: transcribe(api_client(staff_token), not_audio, model="whisper-1"))

    assert isinstance(error, openai.BadRequestError)
    assert error.param == "file" and error.code == "invalid_file_format"
    assert not Transcription.objects.exists()


def test_an_unknown_model_is_refused(api_client, staff_token, speech_wav):
    error = refusal(lambda: transcribe(api_client(staff_token), speech_wav, model="gpt-99-ultra"))

    assert isinstance(error, openai.BadRequestError)
    assert error.param == "model" and error.code == "model_not_found"
    assert "tiny.en" in error.message


def test_a_bad_token_is_refused(api_client, speech_wav):
    error = refusal(lambda: transcribe(api_client("wa_12345678_made-up"), speech_wav, model="whisper-1"))

    assert isinstance(error, openai.AuthenticationError)
    assert error.code == "invalid_api_key"


def test_a_revoked_token_is_refused(api_client, staff_token, staff_user, speech_wav):
    revoke(ApiToken.objects.get(), by=staff_user)

    error = refusal(lambda: transcribe(api_client(staff_token), speech_wav, model="whisper-1"))

    assert isinstance(error, openai.AuthenticationError)
    assert "revoked" in error.message


def test_a_request_without_any_credentials_is_refused(appliance_server, speech_wav):
    with open(speech_wav, "rb") as audio:
        response = httpx2.post(f"{appliance_server}/v1/audio/transcriptions", files={"file": audio})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"


def test_a_file_over_the_limit_is_refused(api_client, staff_token, tmp_path, upload_limit_mb):
    # Over the per-file limit but within the request allowance, so the upload handler judges it.
    big = tmp_path / "long.wav"
    big.write_bytes(b"\0" * int((upload_limit_mb + 0.5) * 1024 * 1024))

    error = refusal(lambda: transcribe(api_client(staff_token), big, model="whisper-1"))

    assert error.status_code == 413
    assert error.param == "file" and error.code == "file_too_large"
    assert f"{upload_limit_mb} MB" in error.message


@pytest.mark.parametrize(
    "options, param",
    [
        ({"response_format": "docx"}, "response_format"),
        ({"temperature": 3}, "temperature"),
        ({"language": "xx"}, "language"),
        ({"timestamp_granularities": ["word"]}, "timestamp_granularities[]"),
    ],
)
def test_bad_options_are_refused_naming_the_field(options, param, api_client, staff_token, speech_wav):
    error = refusal(lambda: transcribe(api_client(staff_token), speech_wav, model="whisper-1", **options))

    assert isinstance(error, openai.BadRequestError)
    assert error.param == param


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # openai marks translations.create so; it still works
def test_an_english_only_model_cannot_translate(api_client, staff_token, speech_wav):
    with open(speech_wav, "rb") as audio:
        error = refusal(lambda: api_client(staff_token).audio.translations.create(file=audio, model="tiny.en"))

    assert isinstance(error, openai.BadRequestError)
    assert error.param == "model" and "English" in error.message


def test_only_post_is_allowed(appliance_server, staff_token):
    response = httpx2.get(
        f"{appliance_server}/v1/audio/transcriptions", headers={"Authorization": f"Bearer {staff_token}"}
    )

    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert "error" in response.json()

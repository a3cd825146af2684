import pytest

# The openai client marks translations.create deprecated; programs still call it, so we test it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def translate(client, path, **options):
    with open(path, "rb") as audio:
        return client.audio.translations.create(file=audio, **options)


def test_whisper_1_translates_with_an_installed_multilingual_model(
    api_client, staff_token, speech_wav, speech_keywords, celery_worker
):
    from appliance.jobs.models import Transcription

    # The default model (tiny.en) knows only English, so whisper-1 falls to multilingual base.
    result = translate(api_client(staff_token), speech_wav, model="whisper-1", response_format="verbose_json")

    assert result.task == "translate" and result.language == "english"
    heard = [word for word in speech_keywords if word in result.text.lower()]
    assert len(heard) >= 3, result.text
    job = Transcription.objects.get()
    assert job.task == "translate" and job.model_used == "base"


def test_a_translation_answers_in_text_too(api_client, staff_token, speech_wav, celery_worker):
    text = translate(api_client(staff_token), speech_wav, model="base", response_format="text")

    assert isinstance(text, str) and "meeting" in text.lower()

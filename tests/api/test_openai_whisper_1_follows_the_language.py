"""OpenAI clients always send whisper-1: with an English-only default model, a request for
German goes to an installed multilingual model instead of being heard as English; naming an
English-only model for German is refused with the reason."""
import pytest
from django.http import QueryDict

from appliance.jobs.openai_requests import OpenAIRequestError, parse_openai_request

pytestmark = pytest.mark.django_db


def form(**fields):
    data = QueryDict(mutable=True)
    data.update(fields)
    return data


def test_whisper_1_with_german_uses_the_multilingual_model():
    request = parse_openai_request(form(model="whisper-1", language="de"), "transcribe")
    assert (request.options.model_name, request.options.language) == ("base", "de")


def test_whisper_1_in_english_stays_on_the_default_model():
    assert parse_openai_request(form(model="whisper-1", language="en"), "transcribe").options.model_name == "tiny.en"
    assert parse_openai_request(form(model="whisper-1"), "transcribe").options.model_name == "tiny.en"


def test_tiny_en_named_for_german_is_refused_on_the_language_field():
    with pytest.raises(OpenAIRequestError) as refused:
        parse_openai_request(form(model="tiny.en", language="de"), "transcribe")
    assert refused.value.param == "language"
    assert "tiny.en only knows English" in str(refused.value)

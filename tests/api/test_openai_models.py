import openai
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_models_lists_the_installed_models_and_whisper_1(api_client, staff_token):
    models = {model.id: model for model in api_client(staff_token).models.list()}

    assert {"tiny.en", "base", "whisper-1"} <= set(models)
    assert all(model.object == "model" and model.owned_by == "whisper-appliance" for model in models.values())
    assert models["whisper-1"].model_extra["alias_of"] == "tiny.en"
    assert models["base"].model_extra["multilingual"] is True


def test_one_model_can_be_retrieved_by_name(api_client, staff_token):
    assert api_client(staff_token).models.retrieve("tiny.en").id == "tiny.en"


def test_an_unknown_model_is_not_found(api_client, staff_token):
    with pytest.raises(openai.NotFoundError) as caught:
        api_client(staff_token).models.retrieve("large-v9")

    assert caught.value.code == "model_not_found"


def test_models_need_a_token(api_client):
    with pytest.raises(openai.AuthenticationError):
        api_client("wa_00000000_nothing").models.list()

"""Browsers may call the API with their session, but then a cross-site form must not be able to."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_session_post_without_csrf_token_is_refused(staff_user, speech_wav):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)

    with open(speech_wav, "rb") as audio:
        response = browser.post("/v1/audio/transcriptions", {"file": audio, "model": "whisper-1"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_a_session_may_list_the_models(staff_client):
    response = staff_client.get("/v1/models")

    assert response.status_code == 200
    assert response.json()["object"] == "list"

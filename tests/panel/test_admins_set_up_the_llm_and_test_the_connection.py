import stat

import pytest
from django.conf import settings

from appliance.panel import llm_settings
from appliance.panel.models import LLMSettings

pytestmark = pytest.mark.django_db

FORM = {"base_url": "", "model": "gemma-3-270m", "timeout_seconds": "60", "max_tokens": "512",
        "context_tokens": "4096", "custom_prompt_name": "", "custom_prompt": ""}  # fmt: skip


def test_the_llm_is_off_until_an_admin_turns_it_on():
    with pytest.raises(llm_settings.LLMDisabled, match="Panel → LLM"):
        llm_settings.endpoint()


def test_test_connection_lists_the_models_of_the_endpoint_without_saving(admin_client, llm_server):
    response = admin_client.post("/panel/llm/", {**FORM, "base_url": llm_server, "test": "1"})

    assert response.status_code == 200
    assert "<code>gemma-3-270m</code>" in response.content.decode()
    assert not LLMSettings.objects.exists()


def test_a_failed_connection_test_says_why(admin_client):
    response = admin_client.post("/panel/llm/", {**FORM, "base_url": "http://127.0.0.1:9", "test": "1"})

    assert "Cannot reach the LLM endpoint" in response.content.decode()


def test_saved_settings_keep_the_api_key_in_a_private_file_and_never_show_it(admin_client, llm_server):
    response = admin_client.post("/panel/llm/", {**FORM, "base_url": llm_server, "enabled": "on", "api_key": "sk-secret-1"})

    assert response.status_code == 302
    row = LLMSettings.current()
    assert row.enabled and row.model == "gemma-3-270m"
    key_file = settings.DATA_DIR / "llm-api-key"
    assert key_file.read_text() == "sk-secret-1" and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    page = admin_client.get("/panel/llm/").content.decode()
    assert "sk-secret-1" not in page and "stored (not shown)" in page
    endpoint, _ = llm_settings.endpoint()
    assert endpoint.api_key == "sk-secret-1" and endpoint.list_models() == ["gemma-3-270m"]


def test_turning_it_on_needs_an_address_and_a_model(admin_client):
    response = admin_client.post("/panel/llm/", {**FORM, "model": "", "enabled": "on"})

    assert response.status_code == 400 and "before turning the LLM on" in response.content.decode()


def test_staff_cannot_see_the_llm_settings(staff_client):
    assert staff_client.get("/panel/llm/").status_code in (302, 403)

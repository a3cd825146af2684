import pytest

from appliance.jobs.models import Transcription
from appliance.panel.models import LLMSettings

from test_job_page_speakers import RESULT

pytestmark = pytest.mark.django_db


def _meeting(owner):
    return Transcription.objects.create(owner=owner, original_name="meeting.wav", model_name="tiny.en", status="done",
                                        duration_seconds=5.0, result=RESULT)  # fmt: skip


def _page(client, job):
    return client.get(f"/jobs/{job.public_id}/").content.decode()


def test_no_llm_actions_while_no_llm_is_set_up(staff_user, staff_client):
    assert 'id="llm-actions"' not in _page(staff_client, _meeting(staff_user))


def test_the_actions_and_the_admins_prompt_are_offered_with_the_last_summary(staff_user, staff_client):
    LLMSettings.objects.create(pk=1, enabled=True, base_url="http://127.0.0.1:9", model="m",
                               custom_prompt_name="Minutes", custom_prompt="Write minutes.")  # fmt: skip
    job = _meeting(staff_user)
    job.llm_outputs = {"summary": {"text": "Someone says hello.", "model": "m"}}
    job.save(update_fields=["llm_outputs"])

    page = _page(staff_client, job)

    for action, label in (("cleanup", "Clean up"), ("summary", "Summary"), ("action_items", "Action items"),
                          ("custom", "Minutes")):  # fmt: skip
        assert f'data-llm-action="{action}">{label}</button>' in page
    assert "Someone says hello." in page and "llm_actions.js" in page

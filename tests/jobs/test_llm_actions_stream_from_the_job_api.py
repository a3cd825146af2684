"""LLM actions through the job API against the real llama.cpp server: streamed as server-sent events;
a clean-up becomes a new revision with the same segments and timestamps; summaries are kept."""
import json
import re

import pytest

from appliance.panel.models import LLMSettings

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = ["so the meeting starts now", "anna will send the report on friday", "tom books the room for monday"]


@pytest.fixture
def llm_enabled(llm_server):
    return LLMSettings.objects.create(pk=LLMSettings.SINGLETON_ID, enabled=True, base_url=llm_server,
                                      model="gemma-3-270m", max_tokens=160, timeout_seconds=60)  # fmt: skip


def _events(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/event-stream"
    body = b"".join(response).decode()
    return [json.loads(data) for data in re.findall(r"^data: (.*)$", body, re.MULTILINE)]


def test_a_summary_streams_token_by_token_and_is_kept(llm_enabled, finished_job, staff_client):
    job = finished_job(TEXTS)

    events = _events(staff_client.post(f"/api/jobs/{job.public_id}/llm/summary/"))

    assert events[0]["event"] == "start" and events[1] == {"event": "progress", "step": 1, "steps": 1}
    tokens = [event["text"] for event in events if event["event"] == "token"]
    done = events[-1]
    assert len(tokens) > 1 and done["event"] == "done"
    assert done["text"] == "".join(tokens).strip() and done["first_token_seconds"] > 0
    kept = staff_client.get(f"/api/jobs/{job.public_id}/llm/").json()["outputs"]["summary"]
    assert kept["text"] == done["text"] and kept["model"] == "gemma-3-270m"


def test_a_clean_up_keeps_every_segment_and_its_timestamps(llm_enabled, finished_job, staff_client):
    job = finished_job(TEXTS)
    before = [(segment["id"], segment["start"], segment["end"]) for segment in job.segments]

    done = _events(staff_client.post(f"/api/jobs/{job.public_id}/llm/cleanup/"))[-1]

    assert done["event"] == "done", done
    job.refresh_from_db()
    assert [(segment["id"], segment["start"], segment["end"]) for segment in job.segments] == before
    assert done["edits"] + len(done["flagged"]) + len(done["missing"]) <= len(TEXTS)
    if done["edits"]:
        assert done["revision"] == 2 and job.revisions.count() == 2
    srt = staff_client.get(f"/api/jobs/{job.public_id}/download/srt").content.decode()
    assert srt.count(" --> ") >= len(TEXTS) and "00:00:00,000 --> " in srt


def test_without_an_llm_set_up_the_api_says_so(finished_job, staff_client):
    response = staff_client.post(f"/api/jobs/{finished_job(TEXTS).public_id}/llm/summary/")

    assert response.status_code == 503 and "Panel → LLM" in response.json()["error"]


def test_a_custom_action_needs_the_admins_prompt(llm_enabled, finished_job, staff_client):
    response = staff_client.post(f"/api/jobs/{finished_job(TEXTS).public_id}/llm/custom/")

    assert response.status_code == 409 and "custom prompt" in response.json()["error"]


def test_an_endpoint_failure_ends_the_stream_with_the_reason(llm_enabled, fault_proxy, finished_job, staff_client):
    LLMSettings.objects.filter(pk=llm_enabled.pk).update(base_url=fault_proxy("http-500"))

    events = _events(staff_client.post(f"/api/jobs/{finished_job(TEXTS).public_id}/llm/action_items/"))

    assert events[-1]["event"] == "error" and "HTTP 500" in events[-1]["message"]

import threading

import pytest

from appliance.jobs import transcript_llm
from appliance.jobs.models import Transcription
from appliance.panel.models import LLMSettings

pytestmark = pytest.mark.django_db(transaction=True)

RESULT = {"text": "hello there general kenobi", "segments": [
    {"id": 0, "start": 0.0, "end": 2.0, "text": " hello there"}, {"id": 1, "start": 2.0, "end": 4.0, "text": " general kenobi"}]}


def _run(job, user, action):
    return list(transcript_llm.action_events(job.pk, user, action, threading.Event()))


def test_llm_runs_latency_tokens_and_failures_are_scraped(scrape, llm_server, fault_proxy, staff_user):
    job = Transcription.objects.create(owner=staff_user, original_name="a.wav", model_name="tiny.en", status="done",
                                       result=RESULT)  # fmt: skip
    before = scrape()
    row = LLMSettings.objects.create(pk=1, enabled=True, base_url=llm_server, model="gemma-3-270m", max_tokens=40)

    assert _run(job, staff_user, "summary")[-1]["event"] == "done"
    LLMSettings.objects.filter(pk=row.pk).update(base_url=fault_proxy("http-500"))
    assert _run(job, staff_user, "summary")[-1]["event"] == "error"

    after = scrape()

    def grew(name):
        return after.get(name, 0) - before.get(name, 0)

    assert grew('whisper_appliance_llm_runs_total{action="summary",outcome="done"}') == 1
    assert grew('whisper_appliance_llm_runs_total{action="summary",outcome="failed"}') == 1
    assert grew("whisper_appliance_llm_first_token_seconds_count") == 1
    assert grew('whisper_appliance_llm_tokens_total{action="summary"}') > 1
    assert grew('whisper_appliance_llm_generating_seconds_total{action="summary"}') > 0

"""A client that goes away mid-answer (the page's Stop button aborts its request) cancels the run: the
server stops asking the LLM at the next token and saves nothing."""
import pytest
from asgiref.sync import async_to_sync
from waiting import wait_until

from appliance.jobs.models import Transcription
from appliance.metrics.llm_metrics import KEY
from appliance.panel.models import LLMSettings
from appliance.plumbing.redis_client import get_redis

pytestmark = pytest.mark.django_db(transaction=True)

RESULT = {"text": "one two three", "segments": [{"id": 0, "start": 0.0, "end": 2.0, "text": " one two three"}]}


def test_a_stream_closed_after_its_first_token_is_cancelled_and_saves_nothing(llm_server, staff_user, staff_client):
    LLMSettings.objects.create(pk=1, enabled=True, base_url=llm_server, model="gemma-3-270m", max_tokens=400)
    job = Transcription.objects.create(owner=staff_user, original_name="a.wav", model_name="tiny.en", status="done",
                                       result=RESULT)  # fmt: skip
    cancelled = "runs:summary:cancelled"
    before = int(get_redis().hget(KEY, cancelled) or 0)
    response = staff_client.post(f"/api/jobs/{job.public_id}/llm/summary/")

    async def read_until_the_first_token():
        stream = response.streaming_content
        async for chunk in stream:
            if chunk.startswith(b"event: token"):
                break
        await stream.aclose()

    async_to_sync(read_until_the_first_token)()

    wait_until(lambda: int(get_redis().hget(KEY, cancelled) or 0) == before + 1, 30, what="the run noticing the cancel")
    job.refresh_from_db()
    assert "summary" not in job.llm_outputs

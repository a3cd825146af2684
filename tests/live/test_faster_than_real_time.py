"""A client that sends faster than real time (within the allowance, as after a reconnect):
the engine coalesces the backlog into larger steps and still commits every phrase."""
import pytest

from appliance.engine.accuracy import word_error_rate
from appliance.jobs.models import Transcription

from .live_client import EventReader
from .test_real_time_stream import MAX_STREAMING_WER

SPEED = 4.0


@pytest.mark.django_db(transaction=True)
def test_speech_sent_four_times_faster_than_real_time_is_still_committed_and_saved(
    run, live_engine, live_client, staff_user, live_speech
):
    client = live_client(staff_user)

    async def scenario():
        assert await client.connect()
        await client.start(language="en")
        reader = EventReader(client)
        await client.stream(live_speech.frames(), speed=SPEED)
        await client.send_json({"type": "stop"})
        saved = await reader.result()
        await client.close()
        return saved

    saved = run(scenario)
    live_engine.wait_until_idle()
    committed = client.committed_text()
    assert word_error_rate(live_speech.text, committed) <= MAX_STREAMING_WER, committed
    assert not client.of_type("error")
    # Coalescing: far fewer decode steps than frames sent.
    assert len(client.of_type("stats")) < len(live_speech.frames()) / 2
    job = Transcription.objects.get(public_id=saved["id"])
    assert job.result["text"] == committed
    assert job.duration_seconds == pytest.approx(live_speech.seconds, abs=0.01)

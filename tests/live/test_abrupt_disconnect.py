"""A client that vanishes without `stop`: after the grace time its session is finished, what
was committed is saved, and the engine holds nothing of it any more."""
import time

import pytest

from appliance.jobs.models import Status, Transcription


@pytest.mark.django_db(transaction=True)
def test_a_vanished_client_has_its_committed_text_saved_and_its_session_released(
    run, start_live_engine, live_client, staff_user, live_speech
):
    live_engine = start_live_engine(detach_grace_seconds=1.0)
    client = live_client(staff_user)
    half = live_speech.frames()[: len(live_speech.frames()) // 2]

    async def scenario():
        assert await client.connect()
        await client.start(language="en")
        await client.stream(half, speed=2.0)
        await client.next_event_of("final", timeout=30)
        await client.close()  # no stop: the tab was closed or the network dropped

    run(scenario)
    live_engine.wait_until_idle(timeout_seconds=60)
    deadline = time.monotonic() + 30
    while not Transcription.objects.filter(owner=staff_user).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    job = Transcription.objects.get(owner=staff_user)
    assert job.status == Status.DONE
    assert job.duration_seconds == pytest.approx(len(half) * 0.2, abs=0.25)
    assert "weather" in job.result["text"].lower()
    committed_before_drop = client.committed_text()
    assert job.result["text"].startswith(committed_before_drop)
    # Memory and disk released: no session, no spooled audio left behind.
    assert live_engine.engine.session_count == 0
    # The spooled file goes right after the job's row is committed, so give it that moment.
    deadline = time.monotonic() + 10
    while list(live_engine.engine.spool_dir.glob("*.wav")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(live_engine.engine.spool_dir.glob("*.wav"))

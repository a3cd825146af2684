"""`python manage.py live_engine`, the real process: it serves sessions through Redis, and when
it is stopped (SIGTERM, as systemd does) it saves the open sessions before it exits."""
import asyncio
import os
import signal

import pytest

from appliance.jobs.models import Transcription
from appliance.runtime.presence import present

from .live_client import EventReader


@pytest.mark.django_db(transaction=True)
def test_the_engine_process_transcribes_and_saves_open_sessions_when_it_is_stopped(
    run, live_engine_process, live_client, staff_user, short_speech
):
    client = live_client(staff_user)
    frames = short_speech.frames()

    async def scenario():
        assert await client.connect()
        ready = await client.start(language="en")
        reader = EventReader(client)
        await client.stream(frames, speed=3.0)
        await client.wait_for("final", timeout=60)
        # Everything sent has reached the engine (what is still in Redis at a stop is not saved).
        while not any(event["audio_seconds"] >= short_speech.seconds - 0.01 for event in client.of_type("stats")):
            await asyncio.sleep(0.05)
        os.killpg(live_engine_process.pid, signal.SIGTERM)
        saved = await reader.result(timeout=90)
        await client.close()
        return ready, saved

    ready, saved = run(scenario)
    assert live_engine_process.wait(60) == 0, live_engine_process.log_path.read_text()[-3000:]
    assert ready["type"] == "ready"
    assert saved["reason"] == "engine_stopped"
    job = Transcription.objects.get(public_id=saved["id"])
    assert job.duration_seconds == pytest.approx(short_speech.seconds, abs=0.01)
    assert {"lazy", "team"} <= set(job.result["text"].lower().replace(".", " ").replace(",", " ").split())
    assert present("live") == []

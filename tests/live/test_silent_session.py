"""A session that hears nothing for a while stays open: the engine keeps sending `stats`
(so the page sees it is alive), decodes nothing, and a later stop ends it cleanly."""
import asyncio

import pytest

from .live_client import SAMPLE_RATE, EventReader

QUIET_SECONDS = 7  # longer than a Redis client's default 5 s read timeout


@pytest.mark.django_db(transaction=True)
def test_a_quiet_session_stays_alive_with_stats_and_stops_cleanly(run, live_engine, live_client, staff_user):
    client = live_client(staff_user)

    async def scenario():
        assert await client.connect()
        await client.start(language="en")
        reader = EventReader(client)
        for _ in range(5):  # one second of digital silence, then nothing at all
            await client.send_audio(b"\x00\x00" * (SAMPLE_RATE // 5))
        await asyncio.sleep(QUIET_SECONDS)
        await client.send_json({"type": "stop"})
        return await reader.result(timeout=30)

    saved = run(scenario)
    stats = client.of_type("stats")
    assert len(stats) >= QUIET_SECONDS // 2 - 1
    assert all(event["batch_size"] == 0 for event in stats)  # silence is never decoded
    assert client.of_type("final") == [] and not client.of_type("error")
    assert saved["reason"] == "stopped" and saved["text"] == ""

"""A running live engine says so in Redis (the consumer and /metrics read it) and vanishes
from there when it stops."""
import asyncio

import pytest

from appliance.runtime.presence import live_session_count, present


@pytest.mark.django_db(transaction=True)
def test_a_running_engine_reports_its_sessions_and_its_limit_and_is_forgotten_when_it_stops(
    run, start_live_engine, live_client, staff_user
):
    running = start_live_engine(max_sessions=3)
    client = live_client(staff_user)
    assert [report["max_sessions"] for report in present("live")] == [3]

    async def scenario():
        assert await client.connect()
        await client.start(language="en")
        counts = []
        for _ in range(50):  # the report is refreshed every second
            counts.append(live_session_count())
            if counts[-1] == 1:
                break
            await asyncio.sleep(0.1)
        await client.stop_and_wait_saved()
        await client.close()
        return counts

    assert run(scenario)[-1] == 1
    running.stop()
    assert present("live") == [] and live_session_count() == 0

"""APPLIANCE_MAX_LIVE_SESSIONS: one session more than the limit gets a `busy` error, and a
place that frees up can be taken again."""
import pytest


@pytest.mark.django_db(transaction=True)
def test_a_start_beyond_the_session_limit_is_refused_as_busy_until_a_session_ends(
    run, start_live_engine, live_client, staff_user, other_staff_user
):
    start_live_engine(max_sessions=1)
    first, second = live_client(staff_user), live_client(other_staff_user)

    async def scenario():
        assert await first.connect() and await second.connect()
        ready = await first.start(language="en")
        busy = await second.start(language="en")
        await first.stop_and_wait_saved()
        again = await second.start(language="en")
        await second.stop_and_wait_saved()
        await first.close()
        await second.close()
        return ready, busy, again

    ready, busy, again = run(scenario)
    assert ready["type"] == "ready"
    assert busy == {"type": "error", "code": "busy", "message": busy["message"]}
    assert "1 live sessions are in use" in busy["message"]
    assert again["type"] == "ready"

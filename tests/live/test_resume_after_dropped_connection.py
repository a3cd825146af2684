"""A dropped connection is not the end: the page reconnects with `resume` inside the grace time
and the same session goes on, so one transcript holds the text from before and after."""
import pytest

from appliance.jobs.models import Transcription

from .live_client import EventReader


@pytest.mark.django_db(transaction=True)
def test_a_client_that_reconnects_resumes_its_session_and_keeps_the_committed_text(
    run, live_engine, live_client, staff_user, live_speech
):
    frames = live_speech.frames()
    first, second = frames[: len(frames) // 2], frames[len(frames) // 2 :]
    before, after = live_client(staff_user), live_client(staff_user)

    async def scenario():
        assert await before.connect()
        ready = await before.start(language="en")
        await before.stream(first, speed=2.0)
        await before.next_event_of("final", timeout=30)
        await before.close()

        assert await after.connect()
        resumed = await after.start(language="en", resume=ready["session"])
        reader = EventReader(after)
        await after.stream(second, speed=2.0)
        await after.send_json({"type": "stop"})
        return ready, resumed, await reader.result()

    ready, resumed, saved = run(scenario)
    live_engine.wait_until_idle()
    assert resumed["type"] == "ready" and resumed["resumed"] is True
    assert resumed["session"] == ready["session"]
    assert resumed["committed_text"].startswith(before.committed_text())
    job = Transcription.objects.get(public_id=saved["id"])
    assert Transcription.objects.filter(owner=staff_user).count() == 1
    assert job.duration_seconds == pytest.approx(live_speech.seconds, abs=0.01)
    text = job.result["text"].lower()
    assert "weather" in text and "team" in text  # first and last sentence


@pytest.mark.django_db(transaction=True)
def test_another_user_cannot_resume_a_session(run, live_engine, live_client, staff_user, other_staff_user):
    owner, intruder = live_client(staff_user), live_client(other_staff_user)

    async def scenario():
        assert await owner.connect()
        ready = await owner.start(language="en")
        assert await intruder.connect()
        refused = await intruder.start(language="en", resume=ready["session"])
        await owner.stop_and_wait_saved()
        await owner.close()
        await intruder.close()
        return refused

    refused = run(scenario)
    assert refused["type"] == "error" and refused["code"] == "unknown_session"

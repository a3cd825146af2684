"""Every kind of bad input gets a clear error with a machine-readable code, and a session that
received audio still ends saved."""
import json

import pytest

from appliance.jobs.models import Transcription

from .live_client import SAMPLE_RATE, EventReader


@pytest.fixture
def connected(run, live_engine, live_client, staff_user):
    """run(scenario) with a connected client as staff_user; returns the scenario's result."""
    client = live_client(staff_user)

    def run_with_client(scenario):
        async def wrapper():
            assert await client.connect()
            try:
                return await scenario(client)
            finally:
                await client.close()

        return run(wrapper)

    return run_with_client


@pytest.mark.django_db(transaction=True)
def test_audio_before_start_is_refused_as_not_started(connected):
    async def scenario(client):
        await client.send_audio(b"\x00\x00" * 1600)
        return await client.next_event()

    error = connected(scenario)
    assert error["type"] == "error" and error["code"] == "not_started"


@pytest.mark.django_db(transaction=True)
def test_stop_before_start_is_refused_as_not_started(connected):
    async def scenario(client):
        await client.send_json({"type": "stop"})
        return await client.next_event()

    assert connected(scenario)["code"] == "not_started"


@pytest.mark.django_db(transaction=True)
def test_text_where_audio_is_expected_is_refused_and_the_session_goes_on(connected, short_speech):
    async def scenario(client):
        await client.start(language="en")
        await client.send_text("this is not audio")
        error = await client.next_event_of("error")
        await client.send_json({"type": "pause"})
        unknown_type = await client.next_event_of("error")
        reader = EventReader(client)
        await client.stream(short_speech.frames()[:10], speed=10)
        await client.send_json({"type": "stop"})
        return error, unknown_type, await reader.result()

    error, unknown_type, saved = connected(scenario)
    assert error["code"] == "bad_message" and "binary" in error["message"]
    assert unknown_type["code"] == "bad_message"
    assert Transcription.objects.filter(public_id=saved["id"]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_frame_with_an_odd_number_of_bytes_is_refused_as_bad_frame(connected, short_speech):
    async def scenario(client):
        await client.start(language="en")
        await client.send_audio(b"\x00\x01\x02")
        error = await client.next_event_of("error")
        await client.send_audio(b"\x00\x00" * SAMPLE_RATE * 3)
        too_long = await client.next_event_of("error")
        reader = EventReader(client)
        await client.stream(short_speech.frames()[:10], speed=10)
        await client.send_json({"type": "stop"})
        return error, too_long, await reader.result()

    error, too_long, saved = connected(scenario)
    assert error["code"] == "bad_frame" and "even" in error["message"]
    assert too_long["code"] == "bad_frame" and "at most" in too_long["message"]
    job = Transcription.objects.get(public_id=saved["id"])
    # Only the good frames were kept.
    assert job.duration_seconds == pytest.approx(2.0, abs=0.01)


@pytest.mark.django_db(transaction=True)
def test_bad_start_options_are_refused_as_bad_options(connected):
    async def scenario(client):
        answers = []
        for options in (
            {"language": "xx"},
            {"task": "summarise"},
            {"task": "translate"},  # tiny.en only knows English
            {"model": "../etc"},
            {"model": "not-installed-model"},
            {"colour": "blue"},
            {"language": 7},
        ):
            await client.send_json({"type": "start", "model": "tiny.en", **options})
            answers.append(await client.next_event())
        await client.send_text(json.dumps([1, 2]))
        answers.append(await client.next_event())
        return answers

    answers = connected(scenario)
    assert [answer["code"] for answer in answers] == ["bad_options"] * 7 + ["bad_message"]
    assert all(answer["type"] == "error" and answer["message"] for answer in answers)


@pytest.mark.django_db(transaction=True)
def test_a_second_start_on_one_connection_is_refused_as_already_started(connected):
    async def scenario(client):
        await client.start(language="en")
        await client.send_json({"type": "start", "model": "tiny.en"})
        error = await client.next_event_of("error")
        saved = await client.stop_and_wait_saved()
        return error, saved

    error, saved = connected(scenario)
    assert error["code"] == "already_started"
    assert saved["id"] is None  # no audio, nothing to keep


@pytest.mark.django_db(transaction=True)
def test_a_client_far_ahead_of_real_time_gets_too_fast_and_what_it_sent_is_saved(connected, live_speech):
    frames = live_speech.frames(seconds=1.0)

    async def scenario(client):
        await client.start(language="en")
        reader = EventReader(client)
        # 23 s of speech, then silence, as fast as possible: past the 30 s allowance.
        for frame in frames + [b"\x00\x00" * SAMPLE_RATE] * 20:
            await client.send_audio(frame)
        return await reader.result(), client.of_type("error")

    saved, errors = connected(scenario)
    assert errors[0]["code"] == "too_fast" and "faster than real time" in errors[0]["message"]
    assert saved["reason"] == "too_fast"
    job = Transcription.objects.get(public_id=saved["id"])
    assert 23 <= job.duration_seconds <= 31
    assert "weather" in job.result["text"].lower()

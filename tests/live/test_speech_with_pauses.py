"""Read sentences with 1-2 s pauses and a second voice, streamed: no sentence is committed twice,
committed times only grow, and the committed text is within 0.05 WER of the same audio
transcribed as a file (tiny.en)."""
import pytest

from appliance.engine.accuracy import normalize_text, word_error_rate
from appliance.engine.live.local_agreement import join_words
from appliance.engine.live.streaming import StreamingSession

from .live_client import EventReader
from .stepping import FakeClock, feed_in_steps, finish

MAX_WER_ABOVE_FILE = 0.05
REPEAT_WORDS = 4  # the spoken text has no run of 4 words twice; a repeated sentence does


def repeated_runs(text):
    tokens = normalize_text(text).split()
    seen, repeated = set(), []
    for index in range(len(tokens) - REPEAT_WORDS + 1):
        run = tuple(tokens[index : index + REPEAT_WORDS])
        if run in seen:
            repeated.append(" ".join(run))
        seen.add(run)
    return repeated


def test_the_spoken_text_itself_has_no_repeated_run(pause_speech):
    assert repeated_runs(pause_speech.text) == []


@pytest.mark.parametrize("step_seconds", [0.5, 1.0])
def test_a_session_stepped_like_the_engine_commits_each_sentence_once(decoder, pause_speech, pause_speech_file_wer, step_seconds):
    clock = FakeClock()
    session = StreamingSession(language="en", clock=clock)
    feed_in_steps(session, clock, decoder, pause_speech.pcm, step_seconds)
    finish(session, decoder)
    committed = join_words(session.committed)
    assert repeated_runs(committed) == [], committed
    assert word_error_rate(pause_speech.text, committed) <= pause_speech_file_wer + MAX_WER_ABOVE_FILE, committed
    for earlier, later in zip(session.committed, session.committed[1:]):
        assert earlier.start <= earlier.end <= later.start


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_speech_with_pauses_streamed_at_real_time_through_the_socket_commits_each_sentence_once(
    run, live_engine, live_client, staff_user, pause_speech, pause_speech_file_wer
):
    client = live_client(staff_user)

    async def scenario():
        assert await client.connect()
        await client.start(language="en")
        reader = EventReader(client)
        await client.stream(pause_speech.frames(), speed=1.0)
        await client.send_json({"type": "stop"})
        await reader.result()
        await client.close()

    run(scenario)
    live_engine.wait_until_idle()
    committed = client.committed_text()
    assert not client.of_type("error")
    assert repeated_runs(committed) == [], committed
    assert word_error_rate(pause_speech.text, committed) <= pause_speech_file_wer + MAX_WER_ABOVE_FILE, committed
    finals = client.of_type("final")
    for earlier, later in zip(finals, finals[1:]):
        assert earlier["start"] <= earlier["end"] <= later["start"]

"""One stream's state without the process around it: silence is skipped, the buffer stays
bounded during long speech, a stop drains everything, and bad frames are refused."""
import numpy as np
import pytest

from appliance.engine.accuracy import word_error_rate
from appliance.engine.live.local_agreement import join_words
from appliance.engine.live.streaming import BadFrameError, StreamingSession, StreamTooFastError

from .stepping import FakeClock, feed_in_steps, finish


def test_silence_is_never_decoded_and_not_kept():
    clock = FakeClock()
    session = StreamingSession(language="en", clock=clock)
    for _ in range(20):
        clock.now += 0.5
        session.receive(b"\x00\x00" * 8000)
        assert session.prepare_window() is None
    assert len(session.ring) / 16000 <= session.config.keep_silence_seconds + 0.05
    session.request_stop()
    assert session.prepare_window() is None and session.is_finished()


def test_the_buffer_stays_bounded_through_long_speech_and_a_stop_commits_the_rest(decoder, live_speech):
    clock = FakeClock()
    session = StreamingSession(language="en", clock=clock)
    pcm = live_speech.pcm + live_speech.pcm[: len(live_speech.pcm) // 4 * 2]  # about 35 s, no long pause
    largest = feed_in_steps(session, clock, decoder, pcm)
    finish(session, decoder)
    assert largest <= session.config.force_commit_seconds + 1.5
    assert session.is_finished() and session.agreement.unstable == []
    spoken = live_speech.text + " " + " ".join(live_speech.text.split()[: len(live_speech.text.split()) // 2])
    assert word_error_rate(spoken, join_words(session.committed)) <= 0.25
    starts = [word.start for word in session.committed]
    assert starts == sorted(starts) and session.committed[-1].end <= len(pcm) / 32000


@pytest.mark.parametrize("frame", [b"", b"\x01", b"\x00" * 7, b"\x00\x00" * 16000 * 3])
def test_frames_that_are_not_whole_short_pcm16_frames_are_refused(frame):
    session = StreamingSession(language="en", clock=FakeClock())
    with pytest.raises(BadFrameError):
        session.receive(frame)
    assert session.received_samples == 0


def test_audio_far_ahead_of_the_clock_is_refused_as_too_fast():
    clock = FakeClock()
    session = StreamingSession(language="en", clock=clock)
    second = b"\x00\x00" * 16000
    for _ in range(int(session.config.max_ahead_seconds)):
        session.receive(second)
    with pytest.raises(StreamTooFastError):
        session.receive(second)
    clock.now += 5
    session.receive(second)  # real time caught up a little
    assert session.received_samples == 16000 * (int(session.config.max_ahead_seconds) + 1)


def test_frames_arriving_during_a_step_are_coalesced_into_the_next_one(decoder, short_speech):
    clock = FakeClock()
    session = StreamingSession(language="en", clock=clock)
    frames = [short_speech.pcm[offset : offset + 6400] for offset in range(0, len(short_speech.pcm), 6400)]
    for frame in frames[:5]:
        clock.now += 0.2
        session.receive(frame)
    request = session.prepare_window()
    for frame in frames[5:20]:  # a slow step: 3 s arrive meanwhile
        clock.now += 0.2
        session.receive(frame)
    session.apply_hypothesis(decoder.decode([request])[0])
    assert session.backlog_seconds == pytest.approx(3.0)
    assert session.lag_seconds == pytest.approx(3.0)
    next_request = session.prepare_window()
    assert len(next_request.audio) == 20 * 3200
    assert np.array_equal(next_request.audio[-3200:], np.frombuffer(frames[19], "<i2") / 32768.0)

"""Memory follows a window, not the file: the stream keeps only the audio that regions still to
come can reach back into, and a pooled job stops reading while a window of speech is queued."""
from appliance.engine import TranscriptionOptions
from appliance.engine.files.audio import SAMPLE_RATE
from appliance.engine.files.chunk_stream import STEP_SAMPLES, chunk_stream_of
from appliance.engine.files.pooled_scheduler import PooledScheduler

from .pooled_helpers import running_scheduler

WINDOW_SECONDS = 30
LONGEST_CHUNK_SECONDS = 30  # one region of speech without a pause may fill a whole window


def test_the_stream_holds_less_than_a_minute_of_a_longer_file(meeting_recording):
    stream = chunk_stream_of(meeting_recording[0], None, max_chunk_seconds=20)
    held = []
    for _ in stream:
        held.append(stream.held_samples / SAMPLE_RATE)

    assert stream.plan.total_samples / SAMPLE_RATE > 120
    # The step being read, plus the speech since the last region handed out.
    assert max(held) < (STEP_SAMPLES / SAMPLE_RATE) + LONGEST_CHUNK_SECONDS
    assert held[-1] == 0


def test_a_pooled_job_never_queues_much_more_than_its_window(manager, meeting_recording, monkeypatch):
    queued = []
    queue_works = PooledScheduler._queue_works

    def observed(scheduler, job, works):
        queue_works(scheduler, job, works)
        queued.append(job.queued_speech_seconds)

    monkeypatch.setattr(PooledScheduler, "_queue_works", observed)
    with running_scheduler(manager, max_queued_speech_seconds=WINDOW_SECONDS) as scheduler:
        result = scheduler.transcribe(meeting_recording[0], TranscriptionOptions(model="tiny.en"))

    assert result.segments
    assert len(queued) >= 3
    # The window, plus what one step of reading hands out at once.
    assert max(queued) < WINDOW_SECONDS + STEP_SAMPLES / SAMPLE_RATE + LONGEST_CHUNK_SECONDS

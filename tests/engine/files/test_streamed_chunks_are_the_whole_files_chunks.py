"""Reading a file step by step finds the same speech regions and chunks, with the same samples,
as decoding all of it and running VAD over the whole array: streaming changes no transcript."""
import numpy as np
import pytest
from faster_whisper.vad import get_speech_timestamps

from appliance.engine.files.audio import load_audio
from appliance.engine.files.chunk_stream import chunk_stream_of
from appliance.engine.files.chunking import chunk_audio, vad_options
from appliance.engine.files.dynamic_batching import plan_dynamic_chunks
from appliance.engine.files.speech_detector import SpeechDetector


def _shape(chunks):
    return [(chunk.clips, chunk.offset, chunk.duration) for chunk in chunks]


@pytest.mark.parametrize("piece_samples", [1000, 16000 * 7 + 123, 10 ** 9])
def test_the_detector_fed_in_pieces_finds_the_regions_of_the_whole_array(meeting_recording, piece_samples):
    samples = load_audio(meeting_recording[0])
    options = vad_options()
    detector = SpeechDetector(options)
    regions = []
    for start in range(0, samples.size, piece_samples):
        regions += detector.feed(samples[start:start + piece_samples])
    regions += detector.finish()

    assert regions == get_speech_timestamps(samples, vad_options())
    assert len(regions) > 20


def test_a_length_that_divides_into_windows_ends_as_the_whole_array_does(meeting_recording):
    samples = load_audio(meeting_recording[0])
    samples = samples[:samples.size - samples.size % 512]
    detector = SpeechDetector(vad_options())
    regions = detector.feed(samples) + detector.finish()

    assert regions == get_speech_timestamps(samples, vad_options())


@pytest.mark.parametrize("vad", [True, False])
def test_the_streamed_plan_is_the_whole_files_plan_with_the_same_samples(meeting_recording, vad):
    path = meeting_recording[0]
    samples = load_audio(path)
    whole = plan_dynamic_chunks(samples, vad=vad)
    stream = chunk_stream_of(path, None, vad=vad, max_chunk_seconds=20)
    found = [pair for step in stream for pair in step]

    assert stream.plan.complete
    assert stream.plan.clips == whole.clips
    assert _shape(stream.plan.chunks) == _shape(whole.chunks)
    assert all(np.array_equal(own, chunk_audio(samples, chunk)) for chunk, own in found)
    assert stream.plan.total_samples == samples.size


def test_an_array_streams_like_its_file(meeting_recording):
    samples = load_audio(meeting_recording[0])
    stream = chunk_stream_of(samples, None, max_chunk_seconds=20)
    list(stream)

    assert _shape(stream.plan.chunks) == _shape(plan_dynamic_chunks(samples).chunks)

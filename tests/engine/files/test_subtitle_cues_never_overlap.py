"""SRT and VTT cues run forward and never overlap: a cue ends no later than the next one starts
(segments of separately decoded chunks, and Whisper's word times, can overlap by milliseconds).
Once on hand-made overlapping segments, once on the SRT of five minutes of espeak-ng speech."""
import re

import pytest

from appliance.engine import TranscriptionOptions, export_result, transcribe
from appliance.engine.files.exports import subtitle_cues
from appliance.engine.files.results import Segment, Timings, TranscriptionResult, Word
from benchmarks.speech import reference_speech

SRT_TIMES = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$", re.MULTILINE)
VTT_TIMES = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$", re.MULTILINE)


def _milliseconds(hours, minutes, seconds, milliseconds):
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(milliseconds)


def cue_times(text, pattern):
    return [(_milliseconds(*match[:4]), _milliseconds(*match[4:])) for match in pattern.findall(text)]


def assert_monotonic_and_apart(times):
    assert times, "no cues"
    for start, end in times:
        assert start < end
    for (start, end), (next_start, _) in zip(times, times[1:]):
        assert start <= next_start and end <= next_start, (start, end, next_start)


def _result(segments, duration):
    return TranscriptionResult(segments=segments, language="en", language_probability=1.0, duration=duration,
                               timings=Timings(decode_seconds=0, model_load_seconds=0, inference_seconds=0),
                               model="tiny.en", device="cpu", compute_type="int8")


@pytest.fixture
def overlapping():
    """The case from the browser trial (a cue starting 70 ms before the previous one ends), one
    segment out of order, and two segments starting at the same millisecond."""
    return _result([
        Segment(id=0, start=250.0, end=253.65, text=" The first cue runs a little long."),
        Segment(id=1, start=253.58, end=256.0, text=" The second starts before it ends.", words=[
            Word(253.58, 254.2, " The", 0.9), Word(254.2, 254.9, " second", 0.9), Word(254.9, 255.3, " starts", 0.9),
            Word(255.3, 255.5, " before", 0.9), Word(255.5, 255.7, " it", 0.9), Word(255.7, 256.0, " ends.", 0.9),
        ]),
        Segment(id=2, start=262.0, end=264.0, text=" Same start as the next."),
        Segment(id=3, start=262.0, end=265.0, text=" Same start here."),
        Segment(id=4, start=258.0, end=263.0, text=" Out of order."),
    ], duration=270.0)


@pytest.mark.parametrize("fmt, pattern", [("srt", SRT_TIMES), ("vtt", VTT_TIMES)])
def test_overlapping_segments_make_cues_that_run_forward_without_overlap(overlapping, fmt, pattern):
    text = export_result(overlapping, fmt)

    assert_monotonic_and_apart(cue_times(text, pattern))
    assert "00:04:13,580" in text or "00:04:13.580" in text  # the later cue keeps its start
    for word in ("first", "second", "Same start as the next.", "Same start here.", "Out of order."):
        assert word in text.replace("\n", " ")  # no words lost


def test_a_cue_with_no_time_of_its_own_joins_the_next_one(overlapping):
    cues = subtitle_cues(overlapping)

    joined = [cue for cue in cues if "here." in " ".join(cue.lines)]
    assert len(joined) == 1 and "Same start as the next." in " ".join(joined[0].lines)


@pytest.mark.slow
def test_the_srt_of_five_minutes_of_speech_has_monotonic_cues_that_never_overlap(manager, speech_dir):
    audio, _ = reference_speech(speech_dir, 300, name="five-minutes.wav")

    result = transcribe(manager, audio, TranscriptionOptions(model="tiny.en", batched=True, pipeline="dynamic"))

    assert result.duration >= 300
    srt, vtt = export_result(result, "srt"), export_result(result, "vtt")
    assert_monotonic_and_apart(cue_times(srt, SRT_TIMES))
    assert_monotonic_and_apart(cue_times(vtt, VTT_TIMES))
    assert len(cue_times(srt, SRT_TIMES)) > 50

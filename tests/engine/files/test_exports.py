"""Exports of a hand-made result, compared with files checked by hand (tests/engine/files/expected/)."""
import json
from pathlib import Path

import pytest

from appliance.engine import EXPORT_FORMATS, InvalidOptionsError, export_result
from appliance.engine.files.exports import format_timestamp, to_ms, wrap_words
from appliance.engine.files.results import Segment, Timings, TranscriptionResult, Word

EXPECTED = Path(__file__).parent / "expected"


def _words(*items):
    return [Word(start=start, end=end, word=word, probability=0.9) for start, end, word in items]


@pytest.fixture
def result():
    return TranscriptionResult(
        segments=[
            Segment(id=0, start=0.0, end=2.5, text=" Good morning, everyone.", tokens=[1, 2], avg_logprob=-0.2,
                    no_speech_prob=0.01, compression_ratio=1.1),
            Segment(id=1, start=2.5, end=14.5, text=(
                " This segment is long on purpose because subtitles must never show more than two lines"
                " of forty-two characters at once."), tokens=[3], avg_logprob=-0.3, compression_ratio=1.4),
            Segment(id=2, start=14.5, end=17.25, text=" Words decide where it breaks.", words=_words(
                (14.5, 14.9, " Words"), (14.9, 15.3, " decide"), (15.3, 15.6, " where"),
                (15.6, 16.0, " it"), (16.0, 17.25, " breaks."),
            )),
            # Float seconds that only exact rounding to milliseconds formats correctly.
            Segment(id=3, start=3659.9995, end=3661.001, text=" The end.", words=_words(
                (3659.9995, 3660.4, " The"), (3660.4, 3661.001, " end."),
            )),
        ],
        language="en",
        language_probability=1.0,
        duration=3662.0,
        timings=Timings(decode_seconds=1.0, model_load_seconds=0.0, inference_seconds=2.0),
        model="tiny.en",
        device="cpu",
        compute_type="int8",
    )


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "tsv"])
def test_text_exports_match_the_hand_checked_files(result, fmt):
    assert export_result(result, fmt) == (EXPECTED / f"transcript.{fmt}").read_text(encoding="utf-8")


def test_json_export_has_the_openai_verbose_json_shape(result):
    document = json.loads(export_result(result, "json"))

    assert document == json.loads((EXPECTED / "transcript.json").read_text(encoding="utf-8"))
    assert list(document) == ["task", "language", "duration", "text", "segments", "words"]
    assert document["language"] == "english"
    assert set(document["segments"][0]) == {
        "id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio",
        "no_speech_prob",
    }


def test_json_has_no_words_when_none_were_asked_for(result):
    for segment in result.segments:
        segment.words = []

    assert "words" not in json.loads(export_result(result, "json"))


def test_subtitle_cues_respect_line_length_lines_and_duration(result):
    for fmt in ("srt", "vtt"):
        cues = export_result(result, fmt, max_line_chars=20, max_lines=1, max_cue_seconds=2.0).split("\n\n")
        for cue in filter(None, cues):
            lines = cue.splitlines()
            text_lines = lines[2:] if fmt == "srt" else lines[1:]
            if lines[0] == "WEBVTT":
                continue
            assert len(text_lines) == 1
            assert all(len(line) <= 20 for line in text_lines)


@pytest.mark.parametrize("seconds, srt", [
    (0.0, "00:00:00,000"),
    (0.1 + 0.2, "00:00:00,300"),
    (59.9995, "00:01:00,000"),
    (3661.001, "01:01:01,001"),
    (35999.999, "09:59:59,999"),
])
def test_timestamps_are_exact_to_the_millisecond(seconds, srt):
    assert format_timestamp(to_ms(seconds), ",") == srt


def test_lines_are_balanced_within_the_limit():
    words = "The quick brown fox jumps over the lazy nog.".split()

    # Greedy filling would leave "nog." alone on the second line.
    assert wrap_words(words, 42) == ["The quick brown fox", "jumps over the lazy nog."]
    assert wrap_words("one two three four five six seven eight nine ten eleven twelve".split(), 42) == [
        "one two three four five six seven", "eight nine ten eleven twelve",
    ]


def test_an_unknown_format_is_refused(result):
    with pytest.raises(InvalidOptionsError, match="docx"):
        export_result(result, "pdf")
    assert EXPORT_FORMATS == ("txt", "srt", "vtt", "tsv", "json", "docx")


def test_word_timestamps_decide_where_a_long_segment_is_cut(result):
    result.segments = [result.segments[2]]

    srt = export_result(result, "srt", max_cue_seconds=1.0)

    assert srt == (
        "1\n00:00:14,500 --> 00:00:15,300\nWords decide\n\n"
        "2\n00:00:15,300 --> 00:00:16,000\nwhere it\n\n"
        "3\n00:00:16,000 --> 00:00:17,250\nbreaks.\n\n"
    )

"""Exports of a result with speakers: every format names them, with the names people gave."""
import io
import json

import pytest

from appliance.engine import export_result
from appliance.engine.files.results import Segment, Timings, TranscriptionResult, Word

NAMES = {"SPEAKER_1": "Dr. Weber"}


@pytest.fixture
def result():
    def words(speaker, *items):
        return [Word(start, end, text, 0.9, speaker) for start, end, text in items]

    return TranscriptionResult(
        segments=[
            Segment(0, 0.0, 1.2, " Good morning.", words("SPEAKER_1", (0.0, 0.5, " Good"), (0.5, 1.2, " morning.")),
                    speaker="SPEAKER_1"),
            Segment(1, 1.3, 2.0, " How are you?", words("SPEAKER_1", (1.3, 1.5, " How"), (1.5, 1.7, " are"),
                                                        (1.7, 2.0, " you?")), speaker="SPEAKER_1"),
            Segment(2, 2.6, 3.4, " Fine, thanks.", words("SPEAKER_2", (2.6, 3.0, " Fine,"), (3.0, 3.4, " thanks.")),
                    speaker="SPEAKER_2"),
        ],
        language="en", language_probability=1.0, duration=3.5,
        timings=Timings(), model="tiny.en", device="cpu", compute_type="int8",
    )


def test_txt_has_one_named_turn_per_speaker(result):
    assert export_result(result, "txt", speaker_names=NAMES) == (
        "Dr. Weber: Good morning. How are you?\n\nSpeaker 2: Fine, thanks.\n"
    )


def test_srt_cues_start_with_the_name(result):
    srt = export_result(result, "srt", speaker_names=NAMES)

    assert "00:00:00,000 --> 00:00:01,200\nDr. Weber: Good morning.\n" in srt
    assert "\nSpeaker 2: Fine, thanks.\n" in srt


def test_vtt_cues_carry_a_voice_tag_and_names_cannot_break_it(result):
    vtt = export_result(result, "vtt", speaker_names={"SPEAKER_1": "Ada <script>\nLovelace"})

    assert "00:00:00.000 --> 00:00:01.200\n<v Ada script Lovelace>Good morning.\n" in vtt
    assert "<v Speaker 2>Fine, thanks." in vtt


def test_tsv_has_a_speaker_column(result):
    rows = export_result(result, "tsv", speaker_names=NAMES).splitlines()

    assert rows[0] == "start\tend\tspeaker\ttext"
    assert rows[3] == "2600\t3400\tSpeaker 2\tFine, thanks."


def test_json_segments_and_words_carry_label_and_name(result):
    document = json.loads(export_result(result, "json", speaker_names=NAMES))

    assert document["segments"][0]["speaker"] == "SPEAKER_1"
    assert document["segments"][0]["speaker_name"] == "Dr. Weber"
    assert document["words"][-1] == {"word": "thanks.", "start": 3.0, "end": 3.4, "speaker": "SPEAKER_2",
                                     "speaker_name": "Speaker 2"}
    assert [speaker["name"] for speaker in document["speakers"]] == ["Dr. Weber", "Speaker 2"]


def test_docx_has_a_paragraph_per_turn_with_time_and_name(result):
    from docx import Document

    document = Document(io.BytesIO(export_result(result, "docx", speaker_names=NAMES)))

    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[1:] == ["[00:00:00] Dr. Weber: Good morning. How are you?", "[00:00:02] Speaker 2: Fine, thanks."]
    assert document.paragraphs[1].runs[1].bold


def test_a_result_without_speakers_exports_as_before(result):
    for segment in result.segments:
        segment.speaker = None
        for word in segment.words:
            word.speaker = None

    assert export_result(result, "txt") == "Good morning.\nHow are you?\nFine, thanks.\n"
    assert export_result(result, "tsv").splitlines()[0] == "start\tend\ttext"
    assert "speaker" not in json.loads(export_result(result, "json"))["segments"][0]
    assert "<v " not in export_result(result, "vtt")

"""Speakers onto words and segments, without audio: a segment spanning a change is split."""
from appliance.engine.files.results import Segment, Word
from appliance.engine.speakers import SpeakerTurn, label_transcript


class _Result:
    def __init__(self, segments):
        self.segments = segments


def _segment(words, identifier=0):
    return Segment(id=identifier, start=words[0].start, end=words[-1].end,
                   text="".join(word.word for word in words), words=words, tokens=[1, 2, 3])


def test_a_segment_spanning_a_change_is_split_at_the_first_word_of_the_new_speaker():
    words = [Word(0.0, 0.4, " Hello", 0.9), Word(0.5, 0.9, " there.", 0.9),
             Word(1.6, 2.0, " Hi", 0.9), Word(2.1, 2.6, " Ada.", 0.9)]
    turns = [SpeakerTurn(0.0, 1.2, "SPEAKER_1"), SpeakerTurn(1.5, 3.0, "SPEAKER_2")]

    result = label_transcript(_Result([_segment(words)]), turns)

    assert [(segment.speaker, segment.text) for segment in result.segments] == [
        ("SPEAKER_1", " Hello there."), ("SPEAKER_2", " Hi Ada.")]
    assert [segment.id for segment in result.segments] == [0, 1]
    assert result.segments[1].start == 1.6 and result.segments[0].end == 0.9
    assert [word.speaker for word in words] == ["SPEAKER_1", "SPEAKER_1", "SPEAKER_2", "SPEAKER_2"]


def test_a_word_in_a_pause_goes_to_the_nearest_speaker_and_words_can_be_dropped():
    words = [Word(1.25, 1.4, " um", 0.5), Word(1.6, 2.0, " yes", 0.9)]
    turns = [SpeakerTurn(0.0, 1.2, "SPEAKER_1"), SpeakerTurn(1.5, 3.0, "SPEAKER_2")]

    result = label_transcript(_Result([_segment(words)]), turns, keep_words=False)

    assert [(segment.speaker, segment.text, segment.words) for segment in result.segments] == [
        ("SPEAKER_1", " um", []), ("SPEAKER_2", " yes", [])]

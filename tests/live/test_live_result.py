"""A saved live session has segments like an uploaded file: cut at sentence ends and pauses."""
from appliance.engine.live.live_result import segments_from_words
from appliance.engine.live.local_agreement import Word


def test_segments_end_at_sentence_ends_and_long_pauses_and_keep_word_timings():
    spoken = [
        Word(0.0, 0.4, " Hello"), Word(0.5, 0.9, " there."), Word(1.0, 1.3, " How"), Word(1.4, 1.8, " are"),
        Word(4.0, 4.4, " you"), Word(4.5, 4.9, " today?"),
    ]  # fmt: skip
    segments = segments_from_words(spoken)
    assert [segment.text for segment in segments] == [" Hello there.", " How are", " you today?"]
    assert [(segment.start, segment.end) for segment in segments] == [(0.0, 0.9), (1.0, 1.8), (4.0, 4.9)]
    assert [word.word for word in segments[2].words] == [" you", " today?"]
    assert [segment.id for segment in segments] == [0, 1, 2]

"""An edited segment's words get times again: untouched words keep Whisper's, new words share the gap
between their neighbours, all inside the segment and running forward, so SRT/VTT cues stay valid."""
from appliance.engine import TranscriptionResult, export_result
from appliance.jobs.segment_edits import edited_segment


def segment(text, start=10.0, end=14.0):
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = [{"start": round(start + n * step, 3), "end": round(start + (n + 1) * step, 3), "word": f" {token}", "probability": 0.4}
             for n, token in enumerate(tokens)]  # fmt: skip
    return {"id": 3, "start": start, "end": end, "text": f" {text}", "words": words, "tokens": [5, 6]}


def assert_valid(words, start, end):
    previous = start
    for word in words:
        assert previous <= word["start"] <= word["end"] <= end
        previous = word["end"]


def test_untouched_words_keep_their_times_and_new_words_fill_the_gap():
    original = segment("we meet on monday at noon")
    edited = edited_segment(original, text="We meet on Tuesday morning at noon")
    words = edited["words"]
    assert [word["word"] for word in words] == [" We", " meet", " on", " Tuesday", " morning", " at", " noon"]
    assert words[1]["start"] == original["words"][1]["start"]
    assert words[-1]["end"] == original["words"][-1]["end"]
    assert words[3]["start"] == original["words"][2]["end"] and words[4]["end"] == original["words"][4]["start"]
    assert [word["probability"] for word in words[3:5]] == [1.0, 1.0]
    assert_valid(words, 10.0, 14.0)
    assert edited["tokens"] == [] and edited["text"] == " We meet on Tuesday morning at noon"


def test_a_rewritten_segment_shares_its_whole_time_by_word_length():
    edited = edited_segment(segment("one two three"), text="completely different words here")
    assert edited["words"][0]["start"] == 10.0 and edited["words"][-1]["end"] == 14.0
    assert_valid(edited["words"], 10.0, 14.0)


def test_emptied_and_unchanged_segments():
    assert edited_segment(segment("one two"), text="  ")["words"] == []
    original = segment("one two")
    assert edited_segment(original, text="one   two ") == original


def test_subtitles_of_an_edited_transcript_run_forward_inside_their_segments():
    segments = [segment("a b c d e f g h i j k l", 0.0, 6.0), segment("short", 6.0, 8.0)]
    segments[0] = edited_segment(segments[0], text="an entirely new and much longer sentence that will certainly need "
                                                   "more than one subtitle cue to show all of its many words")  # fmt: skip
    result = TranscriptionResult.from_dict({"segments": segments, "language": "en", "duration": 8.0})
    srt = export_result(result, "srt")
    times = [line.split(" --> ") for line in srt.splitlines() if " --> " in line]
    assert len(times) >= 3
    flat = [stamp for pair in times for stamp in pair]
    assert flat == sorted(flat) and flat[0] == "00:00:00,000" and times[-2][1] <= "00:00:06,000"

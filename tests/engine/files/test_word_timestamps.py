import pytest

from appliance.engine import TranscriptionOptions, transcribe


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "sequential"])
def test_words_carry_times_inside_their_segment(manager, english_clip, batched):
    result = transcribe(
        manager, english_clip[0], TranscriptionOptions(model="tiny.en", word_timestamps=True, batched=batched)
    )

    words = [word for segment in result.segments for word in segment.words]
    assert len(words) >= 15
    assert [word.start for word in words] == sorted(word.start for word in words)
    for segment in result.segments:
        assert "".join(word.word for word in segment.words).strip() == segment.text.strip()
        for word in segment.words:
            assert segment.start <= word.start <= word.end <= segment.end
            assert 0 <= word.probability <= 1


def test_without_the_option_there_are_no_words(manager, english_clip):
    result = transcribe(manager, english_clip[0], TranscriptionOptions(model="tiny.en"))

    assert all(segment.words == [] for segment in result.segments)

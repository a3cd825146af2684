"""A two-voice conversation transcribed with speakers: two found, nearly every word right."""
from appliance.engine import TranscriptionOptions, transcribe
from appliance.engine.speakers import diarize_beside
from benchmarks.conversation import word_speaker_accuracy


def test_a_two_voice_conversation_gets_two_speakers_and_the_words_theirs(manager, speaker_models, two_voices):
    _, samples, turns = two_voices
    options = TranscriptionOptions(model="tiny.en", word_timestamps=True)

    result = diarize_beside(lambda: transcribe(manager, samples, options), samples, speaker_models)

    assert [speaker["id"] for speaker in result.diarization["speakers"]] == ["SPEAKER_1", "SPEAKER_2"]
    words = [word for segment in result.segments for word in segment.words]
    assert len(words) > 60
    assert word_speaker_accuracy(words, turns) >= 0.9
    assert all(segment.speaker in ("SPEAKER_1", "SPEAKER_2") for segment in result.segments)
    # Segments were split where the speaker changes: each holds one speaker's words.
    assert all({word.speaker for word in segment.words} == {segment.speaker} for segment in result.segments)
    assert [segment.id for segment in result.segments] == list(range(len(result.segments)))

from appliance.engine.speakers import diarize


def test_a_recording_of_one_voice_gets_one_speaker(speaker_models, one_voice):
    _, samples, _ = one_voice

    with speaker_models.acquire() as embedder:
        found = diarize(samples, embedder)

    assert [speaker["id"] for speaker in found.speakers] == ["SPEAKER_1"]
    assert found.turns and all(turn.speaker == "SPEAKER_1" for turn in found.turns)


def test_silence_gets_no_speaker(speaker_models, silence):
    with speaker_models.acquire() as embedder:
        found = diarize(silence, embedder)

    assert found.turns == [] and found.speakers == []

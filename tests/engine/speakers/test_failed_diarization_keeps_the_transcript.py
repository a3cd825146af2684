"""No speaker model, or no memory for it: the transcript comes back all the same, with a warning."""
from appliance.engine import TranscriptionOptions, transcribe
from appliance.engine.speakers import SpeakerModels, diarize_beside

from ..conftest import make_manager


def test_a_missing_speaker_model_leaves_the_transcript_and_a_warning(manager, two_voices):
    _, samples, _ = two_voices
    missing = SpeakerModels(manager, model_name="not-installed")
    options = TranscriptionOptions(model="tiny.en")

    result = diarize_beside(lambda: transcribe(manager, samples, options), samples, missing)

    assert "weather" in result.text.lower()
    assert "speaker model not-installed is not installed" in result.diarization["warning"]
    assert all(segment.speaker is None for segment in result.segments)


def test_a_full_memory_budget_leaves_the_transcript_and_a_warning(tmp_path, manager, two_voices):
    _, samples, _ = two_voices
    tight = make_manager(tmp_path, memory_budget_mb={"cpu": 10})
    options = TranscriptionOptions(model="tiny.en")

    result = diarize_beside(lambda: transcribe(manager, samples, options), samples, SpeakerModels(tight))

    assert result.text
    assert "memory budget" in result.diarization["warning"]


def test_a_failed_transcription_stops_the_diarization_and_raises(manager, speaker_models, two_voices):
    _, samples, _ = two_voices

    def broken():
        raise RuntimeError("transcription broke")

    try:
        diarize_beside(broken, samples, speaker_models)
    except RuntimeError as error:
        assert str(error) == "transcription broke"
    else:
        raise AssertionError("the transcription's error must reach the caller")


def test_a_damaged_speaker_model_file_is_named_in_the_warning(tmp_path, manager, two_voices):
    _, samples, _ = two_voices
    damaged = tmp_path / "models" / "speakers" / "campplus-cn-en-16k.onnx"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not an onnx model")
    options = TranscriptionOptions(model="tiny.en")

    result = diarize_beside(lambda: transcribe(manager, samples, options), samples,
                            SpeakerModels(make_manager(tmp_path)))

    assert result.text
    assert f"{damaged} is damaged" in result.diarization["warning"]

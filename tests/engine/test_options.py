import pytest

from appliance.engine import InvalidOptionsError, TranscriptionOptions, transcribe


@pytest.mark.parametrize("changes, message", [
    ({"task": "summarise"}, "Unknown task"),
    ({"language": "xx"}, "Unknown language"),
    ({"batch_size": 0}, "batch_size"),
    ({"beam_size": 1.5}, "beam_size"),
    ({"vad_parameters": {"threshold": 0.4, "loudness": 3}}, "loudness"),
    ({"temperature": (0.0, 2.0)}, "Temperatures"),
    ({"model": "../../etc/passwd"}, "not a valid model name"),
])
def test_it_refuses_options_it_cannot_use(changes, message):
    with pytest.raises(InvalidOptionsError, match=message):
        TranscriptionOptions(**changes).validate()


def test_an_english_only_model_refuses_other_languages_and_translation(manager, english_clip):
    with pytest.raises(InvalidOptionsError, match="English only"):
        transcribe(manager, english_clip[0], TranscriptionOptions(model="tiny.en", language="de"))
    with pytest.raises(InvalidOptionsError, match="cannot translate"):
        transcribe(manager, english_clip[0], TranscriptionOptions(model="tiny.en", task="translate"))


def test_options_survive_a_round_trip_through_a_dictionary():
    options = TranscriptionOptions(model="base", language="fr", vad_parameters={"threshold": 0.3}, temperature=0.0)

    assert TranscriptionOptions.from_dict(options.to_dict()).to_dict() == options.to_dict()
    with pytest.raises(InvalidOptionsError, match="colour"):
        TranscriptionOptions.from_dict({"colour": "blue"})


def test_auto_language_means_detection():
    assert TranscriptionOptions(language="auto").validate().language is None


def test_vad_parameters_and_prompts_reach_the_decoder(manager, english_clip):
    result = transcribe(manager, english_clip[0], TranscriptionOptions(
        model="tiny.en", vad_parameters={"threshold": 0.4, "min_silence_duration_ms": 300},
        initial_prompt="Weather report.", hotwords="weather", beam_size=2,
    ))

    assert "weather" in result.text.lower()

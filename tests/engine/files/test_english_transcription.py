from appliance.engine import TranscriptionOptions, TranscriptionResult, transcribe
from appliance.engine.accuracy import word_error_rate

# Measured 0.091 for tiny.en int8 on this espeak-ng clip (one substitution, "with" -> "when", in
# 22 words). Two wrong words (0.14) are still a working transcription; garbage is near 1.0.
ENGLISH_WER_BOUND = 0.15


def test_it_transcribes_english_speech_with_tiny_en(manager, english_clip):
    path, text = english_clip

    result = transcribe(manager, path, TranscriptionOptions(model="tiny.en"))

    assert word_error_rate(text, result.text) <= ENGLISH_WER_BOUND
    assert result.language == "en"
    assert result.model == "tiny.en"
    assert result.device == "cpu"
    assert result.compute_type == "int8"


def test_segments_are_ordered_and_inside_the_audio(manager, english_clip):
    path, _ = english_clip

    result = transcribe(manager, path, TranscriptionOptions(model="tiny.en"))

    assert len(result.segments) >= 2
    assert [segment.id for segment in result.segments] == list(range(len(result.segments)))
    for segment in result.segments:
        assert 0 <= segment.start < segment.end <= result.duration + 0.05
        assert segment.text.strip()
        assert segment.avg_logprob <= 0
        assert 0 <= segment.no_speech_prob <= 1
    starts = [segment.start for segment in result.segments]
    assert starts == sorted(starts)


def test_it_reports_timings_and_the_real_time_factor(manager, english_clip):
    path, _ = english_clip

    result = transcribe(manager, path, TranscriptionOptions(model="tiny.en"))

    timings = result.to_dict()["timings"]
    assert timings["decode_seconds"] > 0
    assert timings["inference_seconds"] > 0
    assert timings["total_seconds"] >= timings["inference_seconds"]
    assert timings["real_time_factor"] == round(timings["total_seconds"] / result.duration, 4)
    assert 6.0 < result.duration < 7.0


def test_a_result_survives_a_json_round_trip(manager, english_clip):
    path, _ = english_clip
    result = transcribe(manager, path, TranscriptionOptions(model="tiny.en", word_timestamps=True))

    restored = TranscriptionResult.from_dict(result.to_dict())

    assert restored.to_dict() == result.to_dict()
    assert restored.segments[0].words[0].word == result.segments[0].words[0].word


def test_it_accepts_an_array_of_samples(manager, english_clip):
    from appliance.engine import load_audio

    path, text = english_clip
    samples = load_audio(path)

    result = transcribe(manager, samples, TranscriptionOptions(model="tiny.en"))

    assert word_error_rate(text, result.text) <= ENGLISH_WER_BOUND
    assert result.duration == round(samples.size / 16000, 3)

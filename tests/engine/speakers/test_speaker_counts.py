"""Three voices: found on their own, and the counts a caller asks for are kept."""
import pytest

from appliance.engine import InvalidOptionsError
from appliance.engine.speakers import DiarizationOptions, diarize
from benchmarks.conversation import diarization_error_rate


def _found(speaker_models, samples, options=None):
    with speaker_models.acquire() as embedder:
        return diarize(samples, embedder, options)


def test_three_voices_are_found_with_a_low_error_rate(speaker_models, three_voices):
    _, samples, turns = three_voices

    found = _found(speaker_models, samples)

    assert len(found.speakers) == 3
    assert diarization_error_rate(turns, found.turns) < 0.1


@pytest.mark.parametrize("options, allowed", [
    (DiarizationOptions(speakers=2), {2}),
    (DiarizationOptions(speakers=4), {4}),
    (DiarizationOptions(max_speakers=2), {1, 2}),
    (DiarizationOptions(min_speakers=4), set(range(4, 11))),
])
def test_an_exact_count_or_a_range_is_kept(speaker_models, three_voices, options, allowed):
    _, samples, _ = three_voices

    assert len(_found(speaker_models, samples, options).speakers) in allowed


@pytest.mark.parametrize("options", [
    DiarizationOptions(speakers=0),
    DiarizationOptions(speakers=11),
    DiarizationOptions(speakers=2, max_speakers=3),
    DiarizationOptions(min_speakers=3, max_speakers=2),
])
def test_impossible_counts_are_refused_with_a_reason(options):
    with pytest.raises(InvalidOptionsError) as refusal:
        options.validate()
    assert "speakers" in str(refusal.value)

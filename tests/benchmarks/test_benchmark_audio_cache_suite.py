"""The audio-cache suite in quick mode: the shape of its result, never its figures (no timing asserts)."""
import json

from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite


def test_the_audio_cache_suite_compares_cached_and_transcribed_uploads(tmp_path):
    result = run_suite("audio-cache", SuiteOptions(quick=True, work_dir=tmp_path, params={"pairs": "1"},
                                                   log=lambda message: None))  # fmt: skip

    json.dumps(result)
    summary = result["summary"]
    for figure in ("first_transcription_seconds", "cached_median_seconds", "transcribed_median_seconds"):
        assert summary[figure] > 0, figure
    assert "0 uploads answered other than expected" in result["checks"][0]["detail"]

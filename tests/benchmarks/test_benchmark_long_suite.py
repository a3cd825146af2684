"""The long suite in quick mode (45 s of repeated speech, one pair): it reports the throughput
ratio, both peak RSS figures and both times to the first segment, with the issue's checks.
Only the shape is checked here, never the figures (no timing asserts)."""
import json

import pytest

from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite

pytestmark = pytest.mark.slow


def test_the_long_suite_runs_in_quick_mode_and_reports_speed_memory_and_first_segment(tmp_path):
    result = run_suite("long", SuiteOptions(quick=True, work_dir=tmp_path, log=lambda message: None))

    json.dumps(result)
    names = [check["name"] for check in result["checks"]]
    assert names == ["goal: 0.75 min: engine >= 2.0x bare", "0.75 min: engine: peak RSS <= bare",
                     "0.75 min: engine: WER within 0.5 points of bare"]
    rows = result["tables"][0]["rows"]
    assert {row[2] for row in rows} == {"fast", "bare"}
    assert all(row[6] > 100 for row in rows)  # whole processes with a model in them
    assert all(0 < row[5] <= row[4] for row in rows)  # the first segment before the last
    assert (tmp_path / "long" / "long-0.75min.wav").is_file()


def test_the_recording_is_the_reference_said_again_with_pauses(tmp_path):
    from benchmarks.speech import repeat_recording, synthesize, wav_seconds

    reference = synthesize("The river flows through the valley.", tmp_path / "reference.wav")
    path, text = repeat_recording(reference, "The river flows through the valley.", 10, tmp_path / "long.wav")

    repeats = text.count("river")
    assert wav_seconds(path) == pytest.approx(repeats * (wav_seconds(reference) + 1.5), abs=0.01)
    assert wav_seconds(path) >= 10

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


def test_with_source_recorded_the_suite_repeats_real_speech_with_its_true_transcript(tmp_path):
    from benchmarks.speech import wav_seconds

    options = SuiteOptions(quick=True, work_dir=tmp_path, log=lambda message: None, params={"source": "recorded"})
    result = run_suite("long", options)

    assert result["settings"]["source"] == "recorded"
    assert 25 < result["settings"]["reference_seconds"] < 35  # the reader's five clips and their pauses
    text = (tmp_path / "long" / "long-recorded-0.75min.txt").read_text()
    assert text.startswith("and mister john dashwood had then leisure to consider")
    assert wav_seconds(tmp_path / "long" / "long-recorded-0.75min.wav") >= 45
    assert all(row[7] < 0.5 for row in result["tables"][0]["rows"])  # real words were heard, on both sides


def test_an_unknown_source_is_refused_with_the_choices(tmp_path):
    options = SuiteOptions(quick=True, work_dir=tmp_path, log=lambda message: None, params={"source": "tts"})

    with pytest.raises(ValueError, match="source must be one of espeak, recorded"):
        run_suite("long", options)


def test_on_the_job_path_every_pair_transcribes_the_same_recording_afresh(tmp_path):
    """The second upload of the same recording must not be answered from the identical-audio
    cache (a 0.06 s "run" once made the median ratio 48x): the suite raises if a measured job was."""
    options = SuiteOptions(quick=True, work_dir=tmp_path, log=lambda message: None,
                           params={"path": "job", "pairs": "2"})
    result = run_suite("long", options)

    fast_rows = [row for row in result["tables"][0]["rows"] if row[2] == "fast"]
    assert len(fast_rows) == 2
    assert all(row[7] < 0.5 for row in fast_rows)
    assert result["settings"]["path"] == "job"

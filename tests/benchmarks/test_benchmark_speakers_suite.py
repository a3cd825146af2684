"""The speakers suite runs in a tiny configuration and returns a well-formed result; only the
shape and the accuracy are checked, never the timings."""
import json

from benchmarks.report import to_markdown
from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite
from benchmarks.web.targets import baseline_costs, evaluate


def test_the_speakers_suite_reports_its_cost_and_accuracy(tmp_path):
    options = SuiteOptions(quick=True, work_dir=tmp_path, params={"seconds": "30"}, log=lambda message: None)

    result = run_suite("speakers", options)

    json.dumps(result)
    summary = result["summary"]
    assert summary["speakers_found"] == 2
    assert summary["word_speaker_accuracy"] >= 0.9
    assert 0 <= summary["diarization_error_rate"] < 0.2
    assert summary["transcription_seconds"] > 0 and summary["with_speakers_seconds"] > 0
    assert summary["diarization_real_time_factor_alone"] > 0
    assert [row[2] for row in result["tables"][0]["rows"]] == ["transcription", "with speakers"]
    assert to_markdown(result).startswith("## speakers\n")
    row = next(row for row in evaluate({"speakers": result}) if row["suite"] == "speakers")
    assert row["value"] == summary["added_wall_percent"]
    baseline = {"summary": {"baseline_throughput_x_realtime": 20.0}}
    assert [cost["feature"] for cost in baseline_costs({"speakers": result, "baseline": baseline})] == [
        "Transcription with speakers"]

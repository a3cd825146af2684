"""The search suite in quick mode: the shape of its result, never its figures (no timing asserts)."""
import json

from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite


def test_the_search_suite_runs_in_quick_mode_and_returns_a_well_formed_result(tmp_path):
    result = run_suite("search", SuiteOptions(quick=True, work_dir=tmp_path, params={"jobs": "12", "queries": "8"},
                                              log=lambda message: None))  # fmt: skip

    json.dumps(result)
    summary = result["summary"]
    assert summary["transcripts"] == 12 and summary["indexed_segments"] > 12 * 40
    for figure in ("search_p50_ms", "search_p95_ms", "bare_fts5_p95_ms", "edit_save_p95_ms", "edit_request_p95_ms"):
        assert summary[figure] > 0, figure
    assert {row[0] for row in result["tables"][0]["rows"]} == {"admin", "staff"}
    assert len(result["checks"]) == 2

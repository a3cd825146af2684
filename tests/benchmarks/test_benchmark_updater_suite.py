"""The updater suite in quick mode: the shape of its result, never its figures (no timing asserts)."""
import json

from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite


def test_the_updater_suite_runs_in_quick_mode_and_returns_a_well_formed_result(tmp_path):
    result = run_suite("updater", SuiteOptions(quick=True, work_dir=tmp_path, params={"seconds": "8"},
                                               log=lambda message: None))

    json.dumps(result)
    summary = result["summary"]
    for figure in ("throughput_alone_x_realtime", "throughput_while_updating_x_realtime",
                   "updater_check_and_stage_seconds", "full_update_seconds", "rollback_seconds"):
        assert summary[figure] > 0, figure
    assert [row[2] for row in result["tables"][0]["rows"]] == ["alone", "while-updating"]
    checks = {check["name"]: check for check in result["checks"]}
    assert checks["the full update succeeds"]["passed"], checks["the full update succeeds"]["detail"]
    assert checks["the rollback succeeds"]["passed"], checks["the rollback succeeds"]["detail"]
    assert "overhead < 2% (goal)" in checks

"""The llm-stream suite in quick mode: the shape of its result, never its figures (no timing asserts)."""
import json

import pytest

from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite

pytestmark = pytest.mark.slow


def test_the_llm_stream_suite_times_the_first_token_through_the_appliance_and_bare(tmp_path, llm_server):
    # llm_server: skips (loudly) where the llama.cpp server is not installed; the suite starts its own.
    result = run_suite("llm-stream", SuiteOptions(quick=True, work_dir=tmp_path, params={"pairs": "1"},
                                                  log=lambda message: None))  # fmt: skip

    json.dumps(result)
    summary = result["summary"]
    assert summary["segments"] > 0
    for figure in ("appliance_first_token_median_seconds", "bare_first_token_median_seconds"):
        assert summary[figure] > 0, figure

"""The engine-fast suite in quick mode (20 s of speech, a queue of three files, one pair): the
fast side runs as the jobs worker does, and the result has every check the issue names. Only
the shape is checked here, never the figures (no timing asserts)."""
import json

import pytest

from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite

pytestmark = pytest.mark.slow


def test_the_engine_fast_suite_runs_in_quick_mode_and_checks_speed_memory_and_words(tmp_path):
    result = run_suite("engine-fast", SuiteOptions(quick=True, work_dir=tmp_path, log=lambda message: None))

    json.dumps(result)
    settings = result["settings"]
    assert (settings["fast_threads"] * settings["fast_workers"]) == settings["threads"] * settings["workers"]
    assert settings["fast_concurrency"] == 4 and settings["queue_files"] == 3
    names = [check["name"] for check in result["checks"]]
    for scenario, goal in (("long", 1.25), ("queue", 2.0)):
        assert f"{scenario} tiny.en: throughput >= {goal}x bare" in names
        assert f"{scenario} tiny.en: peak RSS <= bare" in names
        assert f"{scenario} tiny.en: WER within 0.5 points of bare" in names
    subjects = {row[2] for row in result["tables"][0]["rows"]}
    assert {"fast", "bare"} <= subjects
    assert all(row[5] > 100 for row in result["tables"][0]["rows"])  # whole processes with a model in them

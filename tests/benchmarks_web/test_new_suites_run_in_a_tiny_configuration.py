"""The suites this app added (baseline, preload, metrics) run in seconds and return well-formed results.
Only the shape is checked, never the figures (no timing assertions)."""
import json

import pytest

from benchmarks.suite_options import SuiteOptions
from benchmarks.report import to_markdown
from benchmarks.suite_runner import run_suite


def _quiet(tmp_path, **params):
    return SuiteOptions(quick=True, work_dir=tmp_path, params={key: str(value) for key, value in params.items()},
                        log=lambda message: None)


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("bench-work")  # one espeak-ng reference recording for both suites


def test_the_baseline_suite_reports_throughput_memory_and_load_time(work_dir):
    result = run_suite("baseline", _quiet(work_dir, seconds=6, runs=2))

    json.dumps(result)
    summary = result["summary"]
    assert summary["baseline_throughput_x_realtime"] > 0
    assert summary["baseline_peak_rss_mb"] > 100  # a whole process with a model in it
    assert summary["baseline_model_load_seconds"] > 0
    assert result["noise_percent"] is not None  # two runs measure a spread
    assert len(result["tables"][0]["rows"]) == 2
    assert to_markdown(result).startswith("## baseline\n")


def test_the_baseline_suite_takes_an_admins_own_recording(work_dir, speech_wav):
    result = run_suite("baseline", _quiet(work_dir, audio=speech_wav, runs=1))

    assert result["settings"]["audio"] == speech_wav.name
    assert result["noise_percent"] is None  # one run: the page falls back to its default margin


def test_the_preload_suite_compares_preloaded_and_cold_first_requests(work_dir):
    result = run_suite("preload", _quiet(work_dir, seconds=4))

    json.dumps(result)
    summary = result["summary"]
    for figure in ("cold_first_request_seconds", "preloaded_first_request_seconds", "warm_request_seconds",
                   "preloaded_model_load_in_first_request_seconds"):
        assert summary[figure] >= 0, figure
    assert [row[2] for row in result["tables"][0]["rows"]] == ["cold", "preloaded"]
    assert result["checks"][0]["passed"] is True  # the preloaded side never loads in its first request


@pytest.mark.django_db
def test_the_metrics_suite_compares_requests_with_and_without_the_prometheus_middleware(work_dir):
    result = run_suite("metrics", _quiet(work_dir, requests=20))

    json.dumps(result)
    summary = result["summary"]
    assert summary["p50_with_metrics_ms"] > 0 and summary["p50_without_metrics_ms"] > 0
    assert [row[2] for row in result["tables"][0]["rows"]] == ["with_metrics", "without_metrics"]
    assert to_markdown(result).startswith("## metrics\n")

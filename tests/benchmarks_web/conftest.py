"""Stored benchmark runs for the page tests (figures written straight into rows, no suite run)."""
import datetime

import pytest
from django.utils import timezone

from benchmarks.web.models import BenchmarkRun


def suite_result(suite, summary, noise_percent=None, checks=()):
    result = {"suite": suite, "description": f"{suite} suite", "quick": True, "started_at": "2026-01-01T00:00:00+00:00",
              "wall_seconds": 1.0, "machine": {"cpu": "test cpu"}, "summary": summary, "checks": list(checks),
              "tables": [{"title": f"{suite} runs", "columns": ["run", "value"], "rows": [[1, 2.5]]}],
              "settings": {"model": "tiny.en"}, "notes": [f"{suite} note"], "passed": all(c["passed"] for c in checks)}
    if noise_percent is not None:
        result["noise_percent"] = noise_percent
    return result


@pytest.fixture
def store_run(admin_user):
    """store_run({suite: summary}, minutes_ago=0, noise_percent=None) -> a finished BenchmarkRun."""
    def store(summaries, minutes_ago=0, noise_percent=None):
        results = {suite: suite_result(suite, summary, noise_percent) for suite, summary in summaries.items()}
        run = BenchmarkRun.objects.create(suites=list(summaries), quick=True, status=BenchmarkRun.Status.DONE,
                                          progress=1.0, results=results, machine={"cpu": "test cpu"},
                                          created_by=admin_user, finished_at=timezone.now())
        # created_at is auto_now_add: move it back so the history has an order to compare along.
        BenchmarkRun.objects.filter(pk=run.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
        run.refresh_from_db()
        return run
    return store


BASELINE = {"baseline_throughput_x_realtime": 30.0, "baseline_peak_rss_mb": 800, "baseline_model_load_seconds": 1.2}
ENGINE = {"engine_throughput_x_realtime": 29.4, "bare_throughput_x_realtime": 30.0,
          "throughput_ratio_engine_to_bare": 0.98, "peak_rss_ratio_engine_to_bare": 1.05,
          "model_load_seconds_cold": 1.25, "bare_model_load_seconds": 1.2}
PRELOAD = {"cold_first_request_seconds": 2.4, "preloaded_first_request_seconds": 0.8, "warm_request_seconds": 0.8,
           "preloaded_model_load_in_first_request_seconds": 0.0}


def suite_servers(run):
    """The run's processes that serve its appliance under test (daphne, Celery), once they run."""
    from benchmarks.process import marked_processes

    run.refresh_from_db()
    if not run.process_marker:
        return []
    servers = []
    for process in marked_processes(run.process_marker):
        try:
            command = " ".join(process.cmdline())
        except Exception:
            continue
        if "daphne" in command or "worker_command" in command:
            servers.append(process)
    return servers


@pytest.fixture
def queued_run(admin_user):
    """queued_run(suites, time_limit_seconds=1800) -> a queued quick BenchmarkRun and its task sent."""
    from benchmarks.web.tasks import run_benchmark

    def queue(suites, time_limit_seconds=1800):
        run = BenchmarkRun.objects.create(suites=list(suites), quick=True, created_by=admin_user,
                                          time_limit_seconds=time_limit_seconds)
        run_benchmark.delay(run.pk)
        return run
    return queue

from benchmarks.web.targets import evaluate

from .conftest import suite_result


def _row(rows, figure):
    return next(row for row in rows if row["figure"] == figure)


def test_each_target_reads_the_key_its_suite_reports():
    results = {
        "jobs": suite_result("jobs", {"throughput_ratio_job_to_bare": 0.96}),
        "updater": suite_result("updater", {"overhead_percent": 3.0}),
        "panel": suite_result("panel", {"web_rss_growth_mb": 12.5}),
        "appliance": suite_result("appliance", {"tls_overhead_percent_keep_alive": 4.0}),
        "live": suite_result("live", {"1x socket: commit p50 / p95 s": "1.20 / 1.80", "1x socket: committed-text WER": 0.12}),
        "api": {**suite_result("api", {}, checks=[{"name": "p95", "passed": True, "detail": ""}]),
                "settings": {"clients": 20}},
        "long": suite_result("long", {"lowest_throughput_ratio_from_30_min": 1.8, "longest_peak_rss_ratio": 0.5}),
    }

    rows = evaluate(results)

    job = _row(rows, "throughput ratio job / bare")
    assert (job["seed_passed"], job["goal_passed"]) == (True, False)  # 0.96: seed 0.95 met, ours 0.97 not
    updater = _row(rows, "throughput overhead")
    assert (updater["seed_passed"], updater["goal_passed"]) == (True, False)
    assert _row(rows, "web process memory growth")["seed_passed"] is True
    assert _row(rows, "HTTPS latency overhead, kept-alive")["seed_passed"] is True
    p50 = _row(rows, "commit latency p50")
    assert (p50["value"], p50["seed_passed"], p50["goal_passed"]) == (1.2, True, False)
    assert _row(rows, "commit latency p95")["value"] == 1.8
    assert _row(rows, "committed-text WER (speech with pauses)")["seed_passed"] is True
    assert _row(rows, "API clients served at once within the latency target")["value"] == 20
    assert _row(rows, "peak RSS ratio engine / bare")["seed_passed"] is None  # engine not in this run
    long_files = _row(rows, "lowest throughput ratio vs bare")
    assert (long_files["seed_passed"], long_files["goal_passed"]) == (True, False)  # 1.8: bar 1.6 met, goal 2 not
    assert _row(rows, "peak RSS ratio vs bare, longest recording")["seed_passed"] is True

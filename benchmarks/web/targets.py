"""The targets of the benchmark page, each read from the figures its suite actually reports.

A target has the seed's threshold and, where ours is stricter, our own goal. `read` takes the
run's results ({suite name: runner result}) and returns the figure, or None when the suites it
needs were not part of the run (the page then says "not measured", never "failed").
"""
import re
from dataclasses import dataclass


def _summary(results, suite, key):
    value = (results.get(suite) or {}).get("summary", {}).get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _live_commit_latency(results, position):
    """live reports "1x socket: commit p50 / p95 s" as the text "0.85 / 1.20"."""
    text = (results.get("live") or {}).get("summary", {}).get("1x socket: commit p50 / p95 s")
    numbers = re.findall(r"[-+]?\d+(?:\.\d+)?", text or "")
    return float(numbers[position]) if len(numbers) == 2 else None


def _concurrent_users(results):
    """Clients the api suite served at once, counted only when every latency check held."""
    api = results.get("api")
    if not api or "clients" not in api.get("settings", {}):
        return None
    return api["settings"]["clients"] if all(check["passed"] for check in api.get("checks", [])) else 0


@dataclass(frozen=True)
class Target:
    feature: str
    suite: str
    figure: str           # what `read` returns, in words
    read: object          # results -> number or None
    seed: tuple           # (operator, threshold)
    goal: tuple = None    # ours, where stricter than the seed
    unit: str = ""
    cost: object = None   # value -> the feature's cost in words (a percentage where one makes sense)


OPERATORS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


def _percent_below_one(value):
    return f"{100 * (1 - value):+.1f} % throughput" if value <= 1 else f"{100 * (value - 1):.1f} % faster"


def _percent_above_one(value):
    return f"{100 * (value - 1):+.1f} %"


TARGETS = (
    Target("Job path (upload → queue → worker → result)", "jobs", "throughput ratio job / bare",
           lambda r: _summary(r, "jobs", "throughput_ratio_job_to_bare"), (">=", 0.95), (">=", 0.97), "x",
           _percent_below_one),
    Target("Long recordings (30 min and more)", "long", "lowest throughput ratio vs bare",
           lambda r: _summary(r, "long", "lowest_throughput_ratio_from_30_min"), (">=", 1.6), (">=", 2.0), "x",
           _percent_below_one),
    Target("Long recordings", "long", "peak RSS ratio vs bare, longest recording",
           lambda r: _summary(r, "long", "longest_peak_rss_ratio"), ("<=", 1.0), None, "x", _percent_above_one),
    Target("Engine memory", "engine", "peak RSS ratio engine / bare",
           lambda r: _summary(r, "engine", "peak_rss_ratio_engine_to_bare"), ("<=", 1.10), None, "x",
           _percent_above_one),
    Target("Engine model load", "engine", "model load ratio engine / bare",
           lambda r: _ratio(_summary(r, "engine", "model_load_seconds_cold"),
                            _summary(r, "engine", "bare_model_load_seconds")), ("<=", 1.05), None, "x",
           _percent_above_one),
    Target("Updater running beside jobs", "updater", "throughput overhead",
           lambda r: _summary(r, "updater", "overhead_percent"), ("<", 5.0), ("<", 2.0), "%",
           lambda value: f"{value:+.1f} % throughput"),
    Target("Admin panel", "panel", "web process memory growth",
           lambda r: _summary(r, "panel", "web_rss_growth_mb"), ("<", 50.0), None, "MB",
           lambda value: f"{value:+.1f} MB"),
    Target("TLS (nginx)", "appliance", "HTTPS latency overhead, kept-alive",
           lambda r: _summary(r, "appliance", "tls_overhead_percent_keep_alive"), ("<", 10.0), None, "%",
           lambda value: f"{value:+.1f} % latency"),
    Target("Live transcription, 1 stream", "live", "commit latency p95",
           lambda r: _live_commit_latency(r, 1), ("<", 2.0), None, "s", None),
    Target("Live transcription, 1 stream", "live", "commit latency p50",
           lambda r: _live_commit_latency(r, 0), ("<", 2.0), ("<=", 1.0), "s", None),
    Target("Live transcription, 1 stream", "live", "committed-text WER (speech with pauses)",
           lambda r: _summary(r, "live", "1x socket: committed-text WER"), ("<=", 0.15), None, "WER",
           lambda value: f"{value:.3f}"),
    Target("Model preload", "preload", "first-request penalty when preloaded",
           # "0 s": a timer never reads exactly zero, so the model load inside that request is what counts.
           lambda r: _summary(r, "preload", "preloaded_model_load_in_first_request_seconds"), ("<=", 0.01), None, "s",
           lambda value: f"{value:.3f} s model load in the first request"),
    Target("Speaker diarization", "speakers", "added wall time beside transcription (5 min)",
           lambda r: _summary(r, "speakers", "added_wall_percent"), ("<=", 25.0), None, "%",
           lambda value: f"{value:+.1f} % wall time"),
    Target("Identical audio from the cache", "audio-cache", "slowest cached upload → done",
           lambda r: _summary(r, "audio-cache", "cached_max_seconds"), ("<=", 1.0), None, "s",
           lambda value: f"{value:.3f} s instead of a transcription"),
    Target("LLM clean-up, streamed", "llm-stream", "slowest first token at the client",
           lambda r: _summary(r, "llm-stream", "appliance_first_token_max_seconds"), ("<=", 2.0), None, "s", None),
    Target("Concurrent users", "api", "API clients served at once within the latency target",
           _concurrent_users, (">=", 10), None, "users", None),
)


def _verdict(value, bound):
    if bound is None or value is None:
        return None
    operator, threshold = bound
    return OPERATORS[operator](value, threshold)


def evaluate(results):
    """One row per target for a run's results; `passed` is None when the figure was not measured."""
    rows = []
    for target in TARGETS:
        value = target.read(results)
        rows.append({
            "feature": target.feature,
            "suite": target.suite,
            "figure": target.figure,
            "value": value,
            "unit": target.unit,
            "cost": target.cost(value) if (target.cost and value is not None) else "",
            "seed": f"{target.seed[0]} {target.seed[1]:g} {target.unit}".strip(),
            "seed_passed": _verdict(value, target.seed),
            "goal": f"{target.goal[0]} {target.goal[1]:g} {target.unit}".strip() if target.goal else "",
            "goal_passed": _verdict(value, target.goal),
        })
    return rows


def baseline_costs(results):
    """Every feature against the bare baseline suite of the same run, where both were measured."""
    baseline = _summary(results, "baseline", "baseline_throughput_x_realtime")
    rows = []
    for suite, key, label in (("engine", "engine_throughput_x_realtime", "Engine transcribe()"),
                              ("jobs", "job_throughput_x_realtime", "Job path"),
                              ("updater", "throughput_while_updating_x_realtime", "Transcription while updating"),
                              ("speakers", "throughput_with_speakers_x_realtime", "Transcription with speakers")):
        value = _summary(results, suite, key)
        if baseline and value is not None:
            rows.append({"feature": label, "throughput": value, "baseline": baseline,
                         "cost_percent": round(100 * (1 - value / baseline), 1)})
    return rows

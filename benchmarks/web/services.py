"""Benchmark runs: start one, compare it with the run before, export it. The task runs it
(benchmarks.web.execution): each suite as `python -m benchmarks run` in a child process.
"""
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from benchmarks.registry import discover_suites
from benchmarks.report import to_json, to_markdown
from benchmarks.web import targets
from benchmarks.web.execution import default_time_limit_minutes
from benchmarks.web.models import REFERENCE_AUDIO_LABEL, BenchmarkRun

logger = logging.getLogger(__name__)

# A suite that measures no spread of its own: a figure must move by more than this before the
# page calls it a regression. 10 % is above the run-to-run spread of the quick suites on a
# shared 2-core machine (baseline throughput 5.3-6.6x in two runs), so noise alone does not warn.
DEFAULT_NOISE_PERCENT = 10.0
# Changes smaller than this in absolute terms are never regressions (0.001 s → 0.002 s is "100 %").
MINIMUM_ABSOLUTE_CHANGE = 0.01

HIGHER_IS_BETTER = ("throughput", "ratio_job", "ratio_engine", "ratio_updating", "requests_per_second")
LOWER_IS_BETTER = ("seconds", "_ms", " ms", "rss", "_mb", "overhead", "penalty", "latency", "wer", "growth", "lag")


def work_dir():
    return Path(settings.DATA_DIR) / "benchmarks"


def suite_catalog():
    """[(name, description, accepts_audio)] of the suites that load, and {name: error} of those that do not."""
    found, broken = discover_suites()
    catalog = [(name, module.DESCRIPTION, bool(getattr(module, "ACCEPTS_AUDIO", False)))
               for name, module in sorted(found.items())]
    return catalog, broken


def start_run(user, suites, quick, audio=None, time_limit_minutes=None):
    """Store a queued run and queue its task after the commit. audio: (path, label) of an upload."""
    from benchmarks.web.tasks import run_benchmark

    params = {"audio": str(audio[0])} if audio else {}
    minutes = time_limit_minutes or default_time_limit_minutes(quick)
    run = BenchmarkRun.objects.create(suites=list(suites), quick=quick, params=params, created_by=user,
                                      audio_label=audio[1] if audio else REFERENCE_AUDIO_LABEL,
                                      time_limit_seconds=minutes * 60)
    transaction.on_commit(lambda: run_benchmark.delay(run.pk))
    return run


def uploaded_audio_dir():
    return Path(settings.MEDIA_ROOT) / "benchmarks"


def keep_upload(uploaded_file):
    """Save an admin's recording where the worker can read it; returns the path."""
    directory = uploaded_audio_dir() / timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / Path(uploaded_file.name).name
    with open(path, "wb") as handle:
        for chunk in uploaded_file.chunks():
            handle.write(chunk)
    return path


def discard_upload(path):
    shutil.rmtree(Path(path).parent, ignore_errors=True)


def audio_suite_names():
    """The suites that take the admin's recording (the others get espeak-ng reference speech)."""
    catalog, _ = suite_catalog()
    return {name for name, _, accepts in catalog if accepts}


# --- regressions ---------------------------------------------------------------------------------

def direction(figure):
    """+1 when a larger value is better, -1 when smaller is better, 0 when the name does not say."""
    name = figure.lower()
    if any(word in name for word in HIGHER_IS_BETTER):
        return 1
    if any(word in name for word in LOWER_IS_BETTER):
        return -1
    return 0


def _earlier_comparable_runs(run):
    """Finished runs before this one with the same mode and audio (like with like), newest first."""
    return (BenchmarkRun.objects.filter(status=BenchmarkRun.Status.DONE, quick=run.quick,
                                        audio_label=run.audio_label, created_at__lt=run.created_at)
            .exclude(pk=run.pk).order_by("-created_at"))


def previous_run(run):
    return _earlier_comparable_runs(run).first()


def _previous_result(run, suite):
    """The suite's result in the latest earlier comparable run that has it."""
    for candidate in _earlier_comparable_runs(run)[:50]:
        result = candidate.results.get(suite)
        if result and "error" not in result:
            return candidate, result
    return None, None


def noise_margin(result):
    """The suite's own measured spread in percent, else the default margin."""
    noise = result.get("noise_percent")
    if isinstance(noise, (int, float)) and noise > 0:
        return float(noise), "measured"
    return DEFAULT_NOISE_PERCENT, "default"


def regressions(run):
    """Figures worse than in the previous comparable run by more than the noise margin."""
    warnings = []
    for result in run.suite_results():
        earlier_run, earlier = _previous_result(run, result["suite"])
        if earlier is None:
            continue
        # Both runs' spreads count: the larger one is what the machine could do by chance.
        margin_now, source = noise_margin(result)
        margin_then, _ = noise_margin(earlier)
        margin = max(margin_now, margin_then) if source == "measured" else margin_now
        for figure, value in result.get("summary", {}).items():
            before = earlier.get("summary", {}).get(figure)
            sign = direction(figure)
            if not sign or not _is_number(value) or not _is_number(before) or before == 0:
                continue
            worse_by = sign * (before - value) / abs(before) * 100
            if worse_by > margin and abs(before - value) >= MINIMUM_ABSOLUTE_CHANGE:
                warnings.append({"suite": result["suite"], "figure": figure, "before": before, "now": value,
                                 "worse_percent": round(worse_by, 1), "margin_percent": round(margin, 1),
                                 "margin_source": source, "previous_run": earlier_run.pk})
    return warnings


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- export --------------------------------------------------------------------------------------

def export_document(run):
    return {
        "run": run.pk, "status": run.status, "suites": run.suites, "quick": run.quick, "audio": run.audio_label,
        "created_at": run.created_at.isoformat(), "started_at": run.started_at and run.started_at.isoformat(),
        "finished_at": run.finished_at and run.finished_at.isoformat(), "error": run.error,
        "machine": run.machine, "targets": targets.evaluate(run.results), "regressions": regressions(run),
        "results": run.results,
    }


def export_json(run):
    return to_json(export_document(run))


def _mark(passed):
    return {True: "PASS", False: "FAIL", None: "not measured"}[passed]


def export_markdown(run):
    lines = [f"# Benchmark run {run.pk}", "",
             f"{run.created_at:%Y-%m-%d %H:%M} UTC, suites: {', '.join(run.suites)}, "
             f"{'quick mode (indicative only)' if run.quick else 'full mode'}, audio: {run.audio_label}, "
             f"status: {run.status}.", "", "## Targets", "",
             "| feature | figure | value | cost | seed | | ours | |", "|---|---|---|---|---|---|---|---|"]
    for row in targets.evaluate(run.results):
        value = "" if row["value"] is None else f"{row['value']:.4g} {row['unit']}"
        lines.append(f"| {row['feature']} | {row['figure']} | {value} | {row['cost']} | {row['seed']} | "
                     f"{_mark(row['seed_passed'])} | {row['goal']} | "
                     f"{_mark(row['goal_passed']) if row['goal'] else ''} |")
    warnings = regressions(run)
    if warnings:
        lines += ["", "## Regressions", ""]
        lines += [f"- {w['suite']} {w['figure']}: {w['before']} → {w['now']} ({w['worse_percent']} % worse, "
                  f"margin {w['margin_percent']} % {w['margin_source']}; run {w['previous_run']})" for w in warnings]
    lines.append("")
    for result in run.suite_results():
        lines += [f"_Audio: {result.get('audio', run.audio_label)}._", "", to_markdown(result).rstrip(), ""]
    for name, error in run.suite_errors().items():
        lines += [f"## {name}", "", f"Failed: {error}", ""]
    return "\n".join(lines).rstrip() + "\n"

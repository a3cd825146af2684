"""Transcript search and editing: search latency over many long generated transcripts, and the server
time of saving an edit of one segment.

The measuring runs in a subprocess (benchmarks/suites/_search_subject.py) with Django on a scratch data
dir and its own redis-server, through the real URL, middleware and view stack with API tokens. The
reference ("bare") is the same terms sent straight to SQLite FTS5, in the same process and run.
"""
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from appliance.plumbing.embedded_redis import EmbeddedRedis

NAME = "search"
DESCRIPTION = ("Transcript search: p95 of GET /api/jobs/?q= over generated 30-minute transcripts (10,000 in a full "
               "run), admins and staff, against bare FTS5; server time of saving an edit of one segment.")

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
FULL = {"jobs": 10_000, "minutes": 30, "queries": 80, "rounds": 3, "edits": 40}
QUICK = {"jobs": 60, "minutes": 5, "queries": 16, "rounds": 1, "edits": 5}
MAX_SEARCH_P95_MS = 100.0
MAX_EDIT_SAVE_MS = 50.0
SUBJECT_TIMEOUT_SECONDS = 3 * 3600


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _corpus_dir(options, settings):
    # Generating 10,000 transcripts takes minutes: a later run with the same shape reuses the database.
    shape = hashlib.sha256(json.dumps([settings["jobs"], settings["minutes"], 3]).encode()).hexdigest()[:12]
    return options.work_dir / NAME / f"corpus-{settings['jobs']}x{settings['minutes']}min-{shape}"


def run(options):
    base = QUICK if options.quick else FULL
    settings = {key: options.number(key, value) for key, value in base.items()}
    data_dir = _corpus_dir(options, settings)
    data_dir.mkdir(parents=True, exist_ok=True)
    redis = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="wa-bench-redis-")), persistent=False).start()
    env = {**os.environ, "APPLIANCE_DATA_DIR": str(data_dir), "REDIS_URL": redis.url, "APPLIANCE_DEBUG": "false",
           "DJANGO_SETTINGS_MODULE": "appliance.settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY_ROOT), os.environ.get("PYTHONPATH")]))}  # fmt: skip
    env.pop("DATABASE_URL", None)
    options.log(f"search corpus in {data_dir} ({settings['jobs']} transcripts of {settings['minutes']} min)")
    try:
        finished = subprocess.run([sys.executable, "-m", "benchmarks.suites._search_subject", json.dumps(settings)],
                                  cwd=REPOSITORY_ROOT, env=env, capture_output=True, text=True,
                                  timeout=SUBJECT_TIMEOUT_SECONDS)  # fmt: skip
    finally:
        redis.stop()
    for line in finished.stderr.splitlines():
        if line.startswith("[search]"):
            options.log(line)
    if finished.returncode != 0:
        raise RuntimeError(f"the search benchmark process failed:\n{finished.stderr[-3000:]}")
    return _report(json.loads(finished.stdout.strip().splitlines()[-1]), settings)


def _report(measured, settings):
    rows, edits = measured["search"], measured["edits"]
    all_ms = [row["ms"] for row in rows]
    p95 = percentile(all_ms, 0.95)
    bare_p95 = percentile([row["bare_ms"] for row in rows], 0.95)
    save_p95 = percentile(edits["save_ms"], 0.95)
    wall_p95 = percentile(edits["wall_ms"], 0.95)
    table = []
    for who in ("admin", "staff"):
        for category in dict.fromkeys(row["category"] for row in rows):
            chosen = [row for row in rows if row["who"] == who and row["category"] == category]
            times = [row["ms"] for row in chosen]
            table.append([who, category, len(chosen), round(statistics.median(times), 1), round(percentile(times, 0.95), 1),
                          round(max(times), 1), round(statistics.median(row["bare_ms"] for row in chosen), 2),
                          round(statistics.mean(row["jobs"] for row in chosen), 1)])  # fmt: skip
    return {
        "summary": {
            "transcripts": measured["jobs"] - 1,
            "indexed_segments": measured["indexed_segments"],
            "search_p50_ms": round(statistics.median(all_ms), 1),
            "search_p95_ms": round(p95, 1),
            "search_max_ms": round(max(all_ms), 1),
            "bare_fts5_p95_ms": round(bare_p95, 2),
            "search_p95_vs_bare": round(p95 / bare_p95, 1) if bare_p95 else None,
            "edit_save_p50_ms": round(statistics.median(edits["save_ms"]), 1),
            "edit_save_p95_ms": round(save_p95, 1),
            "edit_request_p95_ms": round(wall_p95, 1),
            "corpus_generation_seconds": round(measured["generation_seconds"], 1),
        },
        "checks": [
            {"name": f"search p95 <= {MAX_SEARCH_P95_MS:.0f} ms over {measured['jobs'] - 1} transcripts of "
                     f"{settings['minutes']} min", "passed": p95 <= MAX_SEARCH_P95_MS,
             "detail": f"p95 {p95:.1f} ms, median {statistics.median(all_ms):.1f} ms over {len(rows)} searches"},
            {"name": f"saving an edit of one segment <= {MAX_EDIT_SAVE_MS:.0f} ms server time",
             "passed": wall_p95 <= MAX_EDIT_SAVE_MS,
             "detail": f"whole request p95 {wall_p95:.1f} ms (save itself p95 {save_p95:.1f} ms) on a transcript of "
                       f"{edits['segments']} segments with word times ({edits['result_bytes'] // 1024} KiB)"},
        ],  # fmt: skip
        "tables": [{"title": "Search latency by query kind (in-process requests, ms)",
                    "columns": ["user", "query", "searches", "median", "p95", "max", "bare FTS5 median", "jobs found"],
                    "rows": table}],  # fmt: skip
        "settings": {**settings, "database": "SQLite FTS5 (WAL)", "staff users": 20,
                     "vocabulary": "50,000 synthetic words, Zipf 1.07, 150 words a minute"},  # fmt: skip
        "notes": [
            "Times are in-process requests through Django's URL, middleware and view stack with a bearer token "
            "(no network); 'staff' searches one of 20 owners' transcripts, 'admin' all of them.",
            "A page is 20 jobs, newest first, each with its first 3 matching segments and highlights.",
            "The generated database is kept under the work dir and reused by runs of the same shape.",
        ],
    }

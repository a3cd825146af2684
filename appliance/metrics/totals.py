"""Running totals over finished jobs (audio seconds, processing-time and real-time-factor
histograms), kept in Redis and brought up to date at scrape time.

Why not sum the rows at each scrape: deleting a job would then lower a counter, and Prometheus
takes any decrease for a restart, showing a burst of phantom work. Why not count in the worker:
workers are separate processes (often on other hosts) that Prometheus does not scrape.

So each scrape folds in the jobs finished since the previous one, exactly once: a sorted set
remembers the jobs counted recently (member "<id>:<finished at>", so a re-run counts again),
and the window reaches SETTLE_SECONDS back, for a job whose finish was stamped just before its
transaction committed (and for workers whose clocks run a little behind: keep them on NTP).
"""
import time
from datetime import datetime, timezone

from appliance.jobs.models import Status, Transcription
from appliance.plumbing.redis_client import get_redis

TOTALS_KEY = "appliance:metrics:job-totals"
COUNTED_KEY = "appliance:metrics:counted-jobs"
WATERMARK_KEY = "appliance:metrics:watermark"
LOCK_KEY = "appliance:metrics:fold-lock"
SETTLE_SECONDS = 60
BATCH_ROWS = 500

PROCESSING_BUCKETS = (1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400)
REAL_TIME_FACTOR_BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
HISTOGRAMS = {"processing_seconds": PROCESSING_BUCKETS, "real_time_factor": REAL_TIME_FACTOR_BUCKETS}


def _bucket_field(histogram, value):
    bounds = HISTOGRAMS[histogram]
    bound = next((bound for bound in bounds if value <= bound), "+Inf")
    return f"{histogram}:bucket:{bound}"


def _increments(duration, processing_seconds, real_time_factor):
    changes = {"jobs": 1, "audio_seconds": duration or 0.0}
    for histogram, value in (("processing_seconds", processing_seconds), ("real_time_factor", real_time_factor)):
        if value is not None:
            changes[_bucket_field(histogram, value)] = 1
            changes[f"{histogram}:sum"] = value
            changes[f"{histogram}:count"] = 1
    return changes


def fold_finished_jobs(now=None):
    """Add the jobs finished since the last fold to the totals; returns how many were new."""
    client = get_redis()
    lock = client.lock(LOCK_KEY, timeout=60, blocking_timeout=10)
    if not lock.acquire():
        return 0  # another scrape is folding right now; its result shows next time
    try:
        now = time.time() if now is None else now
        watermark = client.get(WATERMARK_KEY)
        rows = Transcription.objects.filter(status=Status.DONE, finished_at__isnull=False)
        if watermark is not None:
            since = datetime.fromtimestamp(float(watermark) - SETTLE_SECONDS, tz=timezone.utc)
            rows = rows.filter(finished_at__gt=since)
        fields = ("pk", "finished_at", "duration_seconds", "processing_seconds", "real_time_factor")
        batch, added = [], 0
        for row in rows.values_list(*fields).iterator(chunk_size=BATCH_ROWS):
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                added += _fold(client, batch)
                batch = []
        added += _fold(client, batch)
        client.zremrangebyscore(COUNTED_KEY, "-inf", now - 2 * SETTLE_SECONDS)
        client.set(WATERMARK_KEY, now)
        return added
    finally:
        lock.release()


def _fold(client, rows):
    if not rows:
        return 0
    pipeline = client.pipeline()
    for pk, finished_at, *_ in rows:
        moment = finished_at.timestamp()
        pipeline.zadd(COUNTED_KEY, {f"{pk}:{moment:.6f}": moment}, nx=True)
    fresh = [row for row, added in zip(rows, pipeline.execute()) if added]
    totals = {}
    for _, _, duration, processing_seconds, real_time_factor in fresh:
        for name, amount in _increments(duration, processing_seconds, real_time_factor).items():
            totals[name] = totals.get(name, 0) + amount
    pipeline = client.pipeline()
    for name, amount in totals.items():
        pipeline.hincrbyfloat(TOTALS_KEY, name, amount)
    pipeline.execute()
    return len(fresh)


def read_totals():
    """{"jobs", "audio_seconds", and per histogram: "buckets" [(bound, cumulative count)], "sum"}."""
    stored = {name: float(value) for name, value in get_redis().hgetall(TOTALS_KEY).items()}
    totals = {"jobs": stored.get("jobs", 0.0), "audio_seconds": stored.get("audio_seconds", 0.0)}
    for histogram, bounds in HISTOGRAMS.items():
        cumulative, buckets = 0.0, []
        for bound in (*bounds, "+Inf"):
            cumulative += stored.get(f"{histogram}:bucket:{bound}", 0.0)
            buckets.append((str(bound) if bound == "+Inf" else str(float(bound)), cumulative))
        totals[histogram] = {"buckets": buckets, "sum": stored.get(f"{histogram}:sum", 0.0)}
    return totals

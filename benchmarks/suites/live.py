"""Live transcription under load: 1, 2, 4 and 8 simultaneous real-time streams on one engine.

Each stream is a client that sends 200 ms PCM16 frames of espeak-ng speech at real-time pace
into a LiveEngine (the core of `manage.py live_engine`), whose steps run in a worker thread as in
the real process. A committed word's latency is the moment its `final` event exists minus the
moment the word had been spoken (the stream's start plus the word's end time in a whole-file
word-timestamped transcription of the same audio); partial latency is the same for the first
time the word shows up at all (partial or committed). Lag is the engine's own `stats` lag.
The same run decodes the streams batched (one encode/generate call per step for all ready
streams) and one stream at a time, so the batching gain is measured on the same machine state.
Not measured here: the Redis and WebSocket hops (about a millisecond each on one machine).
"""
import asyncio
import difflib
import statistics
import threading
import time

import numpy as np

from appliance.engine import EngineConfig, ModelManager
from appliance.engine.accuracy import normalize_text, word_error_rate
from appliance.engine.live.live_engine import LiveEngine, LiveOptions
from benchmarks.machine import usable_cores
from benchmarks.suites.engine import cached_reference_speech

NAME = "live"
DESCRIPTION = "Live streams at real-time pace: commit and partial latency, lag growth; batched vs one stream at a time."

FRAME_SECONDS = 0.2
STAGGER_SECONDS = 0.37  # streams start a little apart, as people do
FULL_STREAMS, QUICK_STREAMS = (1, 2, 4, 8), (1, 2)
FULL_SECONDS, QUICK_SECONDS = 180.0, 20.0
GOALS = {1: (1.0, 2.0), 4: (None, 3.0)}  # streams: (p50, p95) commit latency goals in seconds
LAG_GROWTH_LIMIT_SECONDS = 0.5  # last-minute mean lag minus first-minute mean lag


def _pcm16_16k(path):
    from faster_whisper import decode_audio

    audio = decode_audio(str(path), sampling_rate=16000)
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def _reference_words(manager, path, model):
    """(normalised word, end time) of a whole-file, word-timestamped transcription."""
    with manager.acquire(model) as loaded:
        segments, _ = loaded.whisper.transcribe(str(path), language="en", beam_size=1, word_timestamps=True)
        timed = [(word.word, word.end) for segment in segments for word in segment.words]
    words = []
    for text, end in timed:
        words.extend((token, float(end)) for token in normalize_text(text).split())
    return words


class _Stream:
    def __init__(self, engine, index, model):
        self.engine = engine
        self.session_id = engine.open(index, LiveOptions(model=model, language="en"))
        self.started = None
        self.committed = []  # (normalised word, monotonic time of its final event)
        self.first_seen = {}  # reference index -> monotonic time the word was first on screen
        self.lags = []  # (seconds since start, lag)
        self.saved = threading.Event()


def _drive(engine, streams, reference, stop):
    """The engine's stepping thread, as LiveEngineServer runs it."""
    by_id = {stream.session_id: stream for stream in streams}
    reference_tokens = [token for token, _ in reference]
    while not stop.is_set():
        if not engine.has_work():
            time.sleep(0.01)
            continue
        for session_id, event in engine.step():
            _record(by_id[session_id], event, reference_tokens, time.monotonic())
        for finished in engine.pop_finished():
            by_id[finished.session_id].saved.set()
            if finished.audio_path:
                finished.audio_path.unlink(missing_ok=True)


def _record(stream, event, reference_tokens, now):
    if event["type"] == "final":
        stream.committed.extend((token, now) for token in normalize_text(event["text"]).split())
        shown = [token for token, _ in stream.committed]
    elif event["type"] == "partial":
        shown = [token for token, _ in stream.committed] + normalize_text(event["text"]).split()
    else:
        if event["type"] == "stats" and stream.started is not None:
            stream.lags.append((now - stream.started, event["lag"]))
        return
    matcher = difflib.SequenceMatcher(None, reference_tokens, shown, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            stream.first_seen.setdefault(block.a + offset, now)


async def _feed(engine, stream, frames, delay):
    await asyncio.sleep(delay)
    loop = asyncio.get_running_loop()
    stream.started = time.monotonic()
    began = loop.time()
    for index, frame in enumerate(frames):
        wait = began + index * FRAME_SECONDS - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        engine.receive(stream.session_id, frame)
    engine.stop(stream.session_id)


def _latencies(stream, reference):
    """Commit and first-seen latencies of the reference words this stream committed."""
    tokens = [token for token, _ in reference]
    committed_tokens = [token for token, _ in stream.committed]
    matcher = difflib.SequenceMatcher(None, tokens, committed_tokens, autojunk=False)
    commit, partial = [], []
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            reference_index = block.a + offset
            spoken_at = stream.started + float(reference[reference_index][1])
            committed_at = stream.committed[block.b + offset][1]
            commit.append(committed_at - spoken_at)
            # Shown no later than committed (a repeated word can match a later partial first).
            partial.append(min(stream.first_seen.get(reference_index, committed_at), committed_at) - spoken_at)
    return commit, partial


def _percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))])


def _lag_growth(streams, seconds):
    window = min(60.0, seconds / 3)
    first = [lag for stream in streams for at, lag in stream.lags if at <= window]
    last = [lag for stream in streams for at, lag in stream.lags if at >= seconds - window]
    if not first or not last:
        return float("nan"), float("nan"), float("nan")
    return float(statistics.mean(first)), float(statistics.mean(last)), float(statistics.mean(last) - statistics.mean(first))


def _run_configuration(manager, model, count, max_batch, pcm, reference, text, spool_dir):
    engine = LiveEngine(manager, max_sessions=count, spool_dir=spool_dir, max_batch=max_batch)
    streams = [_Stream(engine, index, model) for index in range(count)]
    frame_bytes = int(FRAME_SECONDS * 16000) * 2
    frames = [pcm[offset : offset + frame_bytes] for offset in range(0, len(pcm), frame_bytes)]
    stop = threading.Event()
    driver = threading.Thread(target=_drive, args=(engine, streams, reference, stop), daemon=True)
    driver.start()

    async def clients():
        await asyncio.gather(*(_feed(engine, stream, frames, index * STAGGER_SECONDS) for index, stream in enumerate(streams)))

    asyncio.run(clients())
    for stream in streams:
        stream.saved.wait(600)
    stop.set()
    driver.join(60)
    commit, partial = [], []
    for stream in streams:
        stream_commit, stream_partial = _latencies(stream, reference)
        commit += stream_commit
        partial += stream_partial
    seconds = len(pcm) / 32000
    first_lag, last_lag, growth = _lag_growth(streams, seconds)
    wers = [word_error_rate(text, " ".join(token for token, _ in stream.committed)) for stream in streams]
    return {
        "streams": count,
        "mode": "batched" if max_batch > 1 else "one at a time",
        "commit_p50": _percentile(commit, 0.5),
        "commit_p95": _percentile(commit, 0.95),
        "partial_p50": _percentile(partial, 0.5),
        "partial_p95": _percentile(partial, 0.95),
        "lag_first": first_lag,
        "lag_last": last_lag,
        "lag_growth": growth,
        "max_lag": float(max((lag for stream in streams for _, lag in stream.lags), default=float("nan"))),
        "wer": float(statistics.mean(wers)),
        "words_committed": len(commit),
    }


def run(options):
    seconds = options.number("seconds", QUICK_SECONDS if options.quick else FULL_SECONDS)
    counts = QUICK_STREAMS if options.quick else FULL_STREAMS
    if "streams" in options.params:
        counts = tuple(int(value) for value in options.text("streams", "").split(",") if value)
    model = options.text("model", "tiny.en")
    threads = options.number("threads", usable_cores())
    configurations = [(count, max_batch) for count in counts for max_batch in ((16, 1) if count > 1 else (16,))]
    options.plan(2 + len(configurations))  # speech, model + reference words, each configuration
    path, text = cached_reference_speech(options, seconds)
    options.advance("reference speech ready")
    pcm = _pcm16_16k(path)
    manager = ModelManager(
        EngineConfig(data_dir=options.work_dir / NAME / "data", cpu_threads=threads, compute_type="int8", preload=(model,))
    )
    manager.preload()
    reference = _reference_words(manager, path, model)
    options.advance("reference words ready")
    spool_dir = options.work_dir / NAME / "spool"
    rows = []
    for count, max_batch in configurations:
        options.log(f"{count} stream(s), {'batched' if max_batch > 1 else 'one at a time'}, {len(pcm) / 32000:.0f} s")
        rows.append(_run_configuration(manager, model, count, max_batch, pcm, reference, text, spool_dir))
        options.advance(f"{count} stream(s) measured")
    manager.close()
    return _report(rows, seconds, model, threads)


def _report(rows, seconds, model, threads):
    def row_of(count, mode="batched"):
        return next((row for row in rows if row["streams"] == count and row["mode"] == mode), None)

    checks = []
    for count, (p50_goal, p95_goal) in GOALS.items():
        row = row_of(count)
        if row is None:
            continue
        if p50_goal is not None:
            checks.append({"name": f"{count} stream(s): commit latency p50 <= {p50_goal} s",
                           "passed": bool(row["commit_p50"] <= p50_goal), "detail": f"{row['commit_p50']:.2f} s"})
        checks.append({"name": f"{count} stream(s): commit latency p95 <= {p95_goal} s",
                       "passed": bool(row["commit_p95"] <= p95_goal), "detail": f"{row['commit_p95']:.2f} s"})
        checks.append({"name": f"{count} stream(s): no lag growth (<= {LAG_GROWTH_LIMIT_SECONDS} s)",
                       "passed": bool(row["lag_growth"] <= LAG_GROWTH_LIMIT_SECONDS),
                       "detail": f"mean lag {row['lag_first']:.2f} s at the start, {row['lag_last']:.2f} s at the end"})
    summary = {}
    for row in rows:
        key = f"{row['streams']}x {row['mode']}"
        summary[f"{key}: commit p50 / p95 s"] = f"{row['commit_p50']:.2f} / {row['commit_p95']:.2f}"
    columns = ["streams", "mode", "commit p50 s", "commit p95 s", "partial p50 s", "partial p95 s",
               "lag start s", "lag end s", "lag growth s", "max lag s", "WER", "words"]
    table_rows = [
        [row["streams"], row["mode"], row["commit_p50"], row["commit_p95"], row["partial_p50"], row["partial_p95"],
         row["lag_first"], row["lag_last"], row["lag_growth"], row["max_lag"], row["wer"], row["words_committed"]]
        for row in rows
    ]  # fmt: skip
    return {
        "summary": summary,
        "checks": checks,
        "tables": [{"title": "Streams at real-time pace", "columns": columns, "rows": table_rows}],
        "settings": {"model": model, "compute_type": "int8", "threads": threads, "seconds_per_stream": seconds,
                     "frame_ms": int(FRAME_SECONDS * 1000), "device": "cpu"},
        "notes": [
            "Latency = time the word's final (or first partial) event exists - (stream start + the word's end "
            "in a whole-file word-timestamped transcription). Words the stream got wrong are not counted.",
            "Lag = the engine's stats lag: how long ago the newest decoded audio arrived (waiting + processing).",
            "Lag start/end = mean over the first and last minute (a third of the run when shorter).",
            "one at a time = the same engine with max_batch=1: one encode/generate call per stream per step.",
        ],
    }

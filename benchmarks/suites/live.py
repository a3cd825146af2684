"""Live transcription under load: 1, 2, 4 and 8 simultaneous real-time streams of speech with
pauses (sentences read by two voices in turn, 1-2 s apart), with its latency and its accuracy.

Each stream is a program that sends 200 ms PCM16 frames at real-time pace to the running
appliance's `ws/live/` (daphne, Redis, the `manage.py live_engine` process) with an API token and
no Origin header, as the docs' Python client does (benchmarks.suites._live_socket). A committed
word's latency is the moment its `final` event arrives minus the moment the word had been spoken
(the stream's start plus the word's end time in a whole-file word-timestamped transcription of the
same audio); partial latency is the same for the first time the word shows up at all (partial or
committed). Lag is the engine's own `stats` lag. Accuracy: the committed text's WER beside the WER
of the same audio uploaded as a file (the jobs' dynamic pipeline, same model), and runs of 4 words
committed twice (the spoken text has none: a repeated sentence shows up here).
The full run also drives a LiveEngine in this process, batched (one encode/generate call per step
for all ready streams) and one stream at a time, so the batching gain is measured on the same
machine state without the socket hops.
"""
import asyncio
import difflib
import statistics
import threading
import time

import numpy as np

from appliance.engine import EngineConfig, ModelManager, TranscriptionOptions, transcribe
from appliance.engine.accuracy import normalize_text, word_error_rate
from appliance.engine.live.live_engine import LiveEngine, LiveOptions
from benchmarks.machine import usable_cores
from benchmarks.speech import conversation_speech
from benchmarks.suites import _live_socket
from benchmarks.suites.jobs import Appliance

NAME = "live"
DESCRIPTION = ("Live streams of speech with pauses at real-time pace through ws/live/ (API token, no Origin): commit "
               "and partial latency, lag growth, committed-text WER vs the file path; batched vs one stream at a time.")

FRAME_SECONDS = 0.2
STAGGER_SECONDS = 0.37  # streams start a little apart, as people do
FULL_STREAMS, QUICK_STREAMS = (1, 2, 4, 8), (1, 4)
FULL_SECONDS, QUICK_SECONDS = 180.0, 45.0
GOALS = {1: (1.0, 2.0), 4: (None, 3.0)}  # streams: (p50, p95) commit latency goals in seconds
MAX_WER = {1: 0.15}  # streams: committed-text WER goal
MAX_WER_ABOVE_FILE = 0.05  # committed-text WER at most this much above the file path's
LAG_GROWTH_LIMIT_SECONDS = 0.5  # last-minute mean lag minus first-minute mean lag
REPEAT_WORDS = 4


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
    def __init__(self, session_id=None):
        self.session_id = session_id
        self.started = None
        self.committed = []  # (normalised word, monotonic time of its final event)
        self.first_seen = {}  # reference index -> monotonic time the word was first on screen
        self.lags = []  # (seconds since start, lag)
        self.errors = []
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
    if event["type"] == "error":
        stream.errors.append(event)
        return
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


def _repeated_runs(tokens):
    runs = [tuple(tokens[index : index + REPEAT_WORDS]) for index in range(len(tokens) - REPEAT_WORDS + 1)]
    return len(runs) - len(set(runs))


def _frames(pcm):
    frame_bytes = int(FRAME_SECONDS * 16000) * 2
    return [pcm[offset : offset + frame_bytes] for offset in range(0, len(pcm), frame_bytes)]


def _engine_streams(manager, model, count, max_batch, pcm, reference, spool_dir):
    """The streams fed straight into a LiveEngine in this process."""
    engine = LiveEngine(manager, max_sessions=count, spool_dir=spool_dir, max_batch=max_batch)
    streams = [_Stream(engine.open(index, LiveOptions(model=model, language="en"))) for index in range(count)]
    frames = _frames(pcm)
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
    return streams


def _socket_streams(url, token, model, count, pcm, reference):
    """The streams sent through the appliance's ws/live/ by programs without an Origin header."""
    streams = [_Stream() for _ in range(count)]
    reference_tokens = [token for token, _ in reference]

    async def clients():
        async def one(index, stream):
            def on_event(event, now):
                _record(stream, event, reference_tokens, now)

            stream.started = time.monotonic()  # until the socket's own start is known
            try:
                stream.started = await _live_socket.stream(
                    url, token, model, _frames(pcm), FRAME_SECONDS, index * STAGGER_SECONDS, on_event
                )
            except Exception as error:  # a refused or broken stream is a result, not a crash
                stream.errors.append({"code": type(error).__name__, "message": str(error)})

        await asyncio.gather(*(one(index, stream) for index, stream in enumerate(streams)))

    asyncio.run(clients())
    return streams


def _row(streams, count, mode, pcm, reference, text, file_wer):
    commit, partial = [], []
    for stream in streams:
        stream_commit, stream_partial = _latencies(stream, reference)
        commit += stream_commit
        partial += stream_partial
    seconds = len(pcm) / 32000
    first_lag, last_lag, growth = _lag_growth(streams, seconds)
    committed = [[token for token, _ in stream.committed] for stream in streams]
    wers = [word_error_rate(text, " ".join(tokens)) for tokens in committed]
    return {
        "streams": count,
        "mode": mode,
        "commit_p50": _percentile(commit, 0.5),
        "commit_p95": _percentile(commit, 0.95),
        "partial_p50": _percentile(partial, 0.5),
        "partial_p95": _percentile(partial, 0.95),
        "lag_first": first_lag,
        "lag_last": last_lag,
        "lag_growth": growth,
        "max_lag": float(max((lag for stream in streams for _, lag in stream.lags), default=float("nan"))),
        "wer": float(statistics.mean(wers)),
        "worst_wer": float(max(wers)),
        "file_wer": file_wer,
        "repeated_runs": sum(_repeated_runs(tokens) for tokens in committed),
        "errors": sum(len(stream.errors) for stream in streams),
        "words_committed": len(commit),
    }


def _speech(options, seconds):
    """Speech with pauses and two voices, cached in the work dir (espeak-ng is deterministic)."""
    directory = options.work_dir / NAME
    directory.mkdir(parents=True, exist_ok=True)
    name = f"conversation-{int(seconds)}s.wav"
    text_file = directory / f"{name}.txt"
    if not (directory / name).is_file() or not text_file.is_file():
        options.log(f"making {seconds:.0f} s of speech with pauses with espeak-ng")
        path, text = conversation_speech(directory, seconds, name=name)
        text_file.write_text(text, encoding="utf-8")
    return directory / name, text_file.read_text(encoding="utf-8")


def _file_wer(manager, path, text, model):
    """The same audio uploaded as a file: the jobs' dynamic pipeline."""
    options = TranscriptionOptions(model=model, language="en", pipeline="dynamic")
    return word_error_rate(text, transcribe(manager, str(path), options).text)


def run(options):
    seconds = options.number("seconds", QUICK_SECONDS if options.quick else FULL_SECONDS)
    counts = QUICK_STREAMS if options.quick else FULL_STREAMS
    if "streams" in options.params:
        counts = tuple(int(value) for value in options.text("streams", "").split(",") if value)
    model = options.text("model", "tiny.en")
    threads = options.number("threads", usable_cores())
    engine_counts = [] if options.quick else [count for count in counts if count > 1]
    # speech, model + reference words, file path, each configuration (2 in process per count > 1)
    options.plan(3 + 2 * len(engine_counts) + len(counts))
    path, text = _speech(options, seconds)
    options.advance("speech with pauses ready")
    pcm = _pcm16_16k(path)
    manager = ModelManager(
        EngineConfig(data_dir=options.work_dir / NAME / "data", cpu_threads=threads, compute_type="int8", preload=(model,))
    )
    manager.preload()
    reference = _reference_words(manager, path, model)
    options.advance("reference words ready")
    file_wer = _file_wer(manager, path, text, model)
    options.advance("file-path WER ready")
    rows = []
    for count in engine_counts:
        for max_batch, mode in ((16, "engine batched"), (1, "engine one at a time")):
            options.log(f"{count} stream(s), {mode}, {len(pcm) / 32000:.0f} s")
            streams = _engine_streams(manager, model, count, max_batch, pcm, reference, options.work_dir / NAME / "spool")
            rows.append(_row(streams, count, mode, pcm, reference, text, file_wer))
            options.advance(f"{count} stream(s), {mode} measured")
    manager.close()
    settings = {"model": model, "threads": threads, "compute_type": "int8", "pipeline": "dynamic", "batch_size": 8}
    with Appliance(options.work_dir / NAME / "appliance", settings, options.log, services=("web", "worker", "live engine"),
                   environment={"APPLIANCE_MAX_LIVE_SESSIONS": str(max(counts))}) as appliance:  # fmt: skip
        token = _live_socket.create_api_token(appliance)
        url = _live_socket.socket_url(appliance)
        _live_socket.warm_up(url, token, model)
        for count in counts:
            options.log(f"{count} stream(s) through ws/live/, {len(pcm) / 32000:.0f} s")
            streams = _socket_streams(url, token, model, count, pcm, reference)
            rows.append(_row(streams, count, "socket", pcm, reference, text, file_wer))
            options.advance(f"{count} stream(s) through ws/live/ measured")
    return _report(rows, seconds, model, threads)


def _report(rows, seconds, model, threads):
    def row_of(count, mode="socket"):
        return next((row for row in rows if row["streams"] == count and row["mode"] == mode), None)

    def check(name, passed, detail):
        checks.append({"name": name, "passed": bool(passed), "detail": detail})

    checks = []
    for count, (p50_goal, p95_goal) in GOALS.items():
        row = row_of(count)
        if row is None:
            continue
        if p50_goal is not None:
            check(f"{count} stream(s): commit latency p50 <= {p50_goal} s", row["commit_p50"] <= p50_goal, f"{row['commit_p50']:.2f} s")
        check(f"{count} stream(s): commit latency p95 <= {p95_goal} s", row["commit_p95"] <= p95_goal, f"{row['commit_p95']:.2f} s")
        check(f"{count} stream(s): no lag growth (<= {LAG_GROWTH_LIMIT_SECONDS} s)", row["lag_growth"] <= LAG_GROWTH_LIMIT_SECONDS,
              f"mean lag {row['lag_first']:.2f} s at the start, {row['lag_last']:.2f} s at the end")
        if count in MAX_WER:
            check(f"{count} stream(s): committed-text WER <= {MAX_WER[count]}", row["worst_wer"] <= MAX_WER[count], f"{row['worst_wer']:.3f}")
        check(f"{count} stream(s): committed-text WER within {MAX_WER_ABOVE_FILE} of the file path",
              row["worst_wer"] <= row["file_wer"] + MAX_WER_ABOVE_FILE, f"{row['worst_wer']:.3f} vs file {row['file_wer']:.3f}")
        check(f"{count} stream(s): nothing committed twice", row["repeated_runs"] == 0, f"{row['repeated_runs']} repeated 4-word runs")
        check(f"{count} stream(s): no stream errors", row["errors"] == 0, f"{row['errors']} errors")
    summary = {}
    for row in rows:
        key = f"{row['streams']}x {row['mode']}"
        summary[f"{key}: commit p50 / p95 s"] = f"{row['commit_p50']:.2f} / {row['commit_p95']:.2f}"
        summary[f"{key}: committed-text WER"] = round(row["worst_wer"], 4)
        summary[f"{key}: file-path WER"] = round(row["file_wer"], 4)
    columns = ["streams", "mode", "commit p50 s", "commit p95 s", "partial p50 s", "partial p95 s",
               "lag start s", "lag end s", "lag growth s", "max lag s", "WER", "worst WER", "file WER",
               "repeated runs", "errors", "words"]
    table_rows = [
        [row["streams"], row["mode"], row["commit_p50"], row["commit_p95"], row["partial_p50"], row["partial_p95"],
         row["lag_first"], row["lag_last"], row["lag_growth"], row["max_lag"], row["wer"], row["worst_wer"],
         row["file_wer"], row["repeated_runs"], row["errors"], row["words_committed"]]
        for row in rows
    ]  # fmt: skip
    return {
        "summary": summary,
        "checks": checks,
        "tables": [{"title": "Streams of speech with pauses at real-time pace", "columns": columns, "rows": table_rows}],
        "settings": {"model": model, "compute_type": "int8", "threads": threads, "seconds_per_stream": seconds,
                     "frame_ms": int(FRAME_SECONDS * 1000), "device": "cpu",
                     "speech": "espeak-ng en-us and en-gb in turn, 1-2 s pauses between sentences"},
        "notes": [
            "socket = through the running appliance's ws/live/ (daphne, Redis, live engine process) by a websockets "
            "client with an API token and no Origin header; engine = a LiveEngine in the benchmark process.",
            "Latency = time the word's final (or first partial) event arrives - (stream start + the word's end "
            "in a whole-file word-timestamped transcription). Words the stream got wrong are not counted.",
            "WER = committed text against the spoken text (mean over the streams; worst = the worst stream); "
            "file WER = the same audio uploaded as a file (dynamic pipeline, same model).",
            "repeated runs = 4-word runs committed twice (the spoken text has none).",
            "Lag = the engine's stats lag: how long ago the newest decoded audio arrived (waiting + processing).",
            "Lag start/end = mean over the first and last minute (a third of the run when shorter).",
            "engine one at a time = the same engine with max_batch=1: one encode/generate call per stream per step.",
        ],
    }

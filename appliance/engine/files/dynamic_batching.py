"""Dynamic time axis: chunks padded to their own length bucket, not to 30 s, batched by bucket.

faster-whisper pads every chunk to Whisper's 30 s window (3000 Mel frames). CTranslate2's
Whisper encoder also takes shorter inputs, and on a CPU its cost grows faster than linearly
with the length (self-attention), so a 12 s chunk padded to 30 s pays about three times
what it needs. Here speech is cut into chunks of at most `max_chunk_seconds`; each chunk is
padded to its duration rounded up to a BUCKET_SECONDS step, plus a margin (the padding after
the speech is where Whisper places the final timestamp token, without which faster-whisper
drops the last words of a chunk); only chunks of the same bucket share a batch.

The padding depends on the chunk alone, never on its companions, so a file's transcript is
the same whether it ran alone or pooled with other users' files (padding to the longest
chunk of each batch made the words change with the company, by up to 2 points of WER).

The decoding itself is faster-whisper's BatchedInferencePipeline.forward(), so prompts,
timestamps, word alignment and text are produced by the same code as the plain path.
"""
import dataclasses
import math
from dataclasses import dataclass

import ctranslate2
import numpy as np
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import BatchedInferencePipeline

from appliance.engine.accuracy import normalize_text
from appliance.engine.files.batched import faster_whisper_options, faster_whisper_segments
from appliance.engine.files.audio import SAMPLE_RATE
from appliance.engine.files.pipelined_decoding import batch_size_per_worker
from appliance.engine.files.chunking import (
    CHUNK_SECONDS,
    Chunk,
    ChunkPlan,
    audio_features,
    chunk_audio,
    group_clips,
    plan_chunks,
)

# Shorter chunks encode faster per second of speech (self-attention), longer ones give
# Whisper more context, and it needs room after the speech for its closing timestamp (the
# margin). Word errors of tiny.en on the engine-fast benchmark's queue (10 files, 1013 words)
# and 5.3-minute recording (1075 words), bare faster-whisper 144 and 110: 15 s chunks, 1 s
# margin 153 / 97; 15 s, 2 s 153 / 89; 17.5 s, 2 s 152 / 81; 20 s, 1 s 145 / 91; 20 s, 1.5 s
# 154 / 92; 20 s, 2 s 140 / 87; 20 s, 3 s 144 / 86; 25 s, 2 s 142 / 95. base on the queue
# (bare 114): 15 s, 1 s 110; 20 s, 2 s 91. 20 s chunks cost about 10 % more CPU time than 15 s
# ones and 50-60 MB more peak memory (longer encoder attention).
DEFAULT_MAX_CHUNK_SECONDS = 20
DEFAULT_MARGIN_SECONDS = 2.0
# Padding steps: a finer step pads less, a coarser one fills batches with more chunks.
BUCKET_SECONDS = 2.5
FRAMES_PER_SECOND = 100  # Whisper's Mel frames: 10 ms hop
MAX_FRAMES = CHUNK_SECONDS * FRAMES_PER_SECOND
# On a CPU the encoder runs in slices of at most half a 30 s window's attention (frames
# squared): its attention matrices grow with batch x frames^2, and on 2 cores (tiny.en int8) a
# batch of 8 padded 30 s windows took 4.0-4.6 s and 516 MB more memory, 8 single windows 2.0-2.4 s;
# 8 chunks of 17 s: 1.8-2.1 s at once, 1.0-1.3 s in slices of 2-4. The pooled queue of the
# benchmark peaked at about 410 MB with whole-window slices, 370 MB with half-window ones. The
# text is the same (each item's encoding is independent of the others). Decoding still runs
# the whole batch at once: there, batching is what saves time.
CPU_ENCODER_BUDGET = MAX_FRAMES ** 2 // 2
# Speech after a chunk's last timestamp beyond which the chunk counts as cut short (decode_batch).
CUT_SHORT_SECONDS = 1.0


@dataclass
class ChunkWork:
    """One chunk waiting to be decoded: where it comes from and how to put its text back.

    `owner` is whatever the caller needs to route the result (a job), `index` the chunk's
    position in its owner's plan so results can be reassembled in the order of the audio.
    """

    owner: object
    index: int
    chunk: object  # chunking.Chunk
    samples: np.ndarray  # the whole file's samples (None when the chunk has its own: audio_samples)
    # The encoder's output for this chunk at its padded length, when language detection has
    # already computed it: the chunk's batch then does not encode it again.
    encoding: np.ndarray = None
    audio_samples: np.ndarray = None  # the chunk's own speech, cut from a streamed file

    @property
    def duration(self):
        return self.chunk.duration

    def audio(self):
        return self.audio_samples if self.audio_samples is not None else chunk_audio(self.samples, self.chunk)


def plan_dynamic_chunks(samples, vad=True, vad_parameters=None, max_chunk_seconds=DEFAULT_MAX_CHUNK_SECONDS):
    """The plain plan's speech regions, regrouped into chunks of at most max_chunk_seconds.

    A single region longer than the maximum (speech without a pause, up to 30 s) stays whole.
    """
    plan = plan_chunks(samples, vad, vad_parameters)
    return ChunkPlan(clips=plan.clips, chunks=group_clips(plan.clips, max_chunk_seconds),
                     total_samples=plan.total_samples)


@dataclass
class Decoding:
    """What every batch of one file decodes with: its language, tokenizer and options."""

    language: str
    language_probability: float
    tokenizer: Tokenizer
    whisper_options: object  # faster-whisper's TranscriptionOptions


def detect_language(whisper, work, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Language and probability from the first chunk of speech, encoded at its own length.

    The plain path encodes the first 30 s of speech padded to a full window, once per file: for
    a queue of short files on a multilingual model that is a quarter of the work. One chunk
    (up to 20 s of speech) is enough for Whisper to tell the language: with base on 20 espeak-ng
    clips (German, Spanish, French, English voices, 6-58 s) both ways found the same language.
    The encoding is kept on the chunk for its batch, which would otherwise compute it again
    (a fifth of the CPU time of base on the queue of ten files).
    """
    features = dynamic_batch_features(whisper.feature_extractor, [work], margin_seconds)
    encoded = whisper.encode(features)
    language_token, probability = whisper.model.detect_language(encoded)[0][0]
    if _encodes_in_slices(whisper):  # where batches take kept encodings (a GPU encodes a batch at once)
        work.encoding = np.array(encoded)[0]
    return language_token[2:-2], float(probability)  # "<|de|>" -> "de"


def prepare_decoding(whisper, works, plan, options, language, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Detect the language (on works[0]) when none is given, then build the prompt and decoding settings."""
    language_probability = 1.0
    if language is None:
        language, language_probability = detect_language(whisper, works[0], margin_seconds)
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task=options.task, language=language)
    return Decoding(language, language_probability, tokenizer, faster_whisper_options(tokenizer, options, plan))


def padded_frames(duration, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Mel frames for a chunk: its duration rounded up to the bucket step, plus the margin.

    At least whole seconds because forward() sizes each chunk's window as ceil(duration)
    seconds for timestamps and word alignment; an even count because the encoder halves it.
    """
    bucket = math.ceil(duration / BUCKET_SECONDS) * BUCKET_SECONDS
    frames = math.ceil(max(bucket + margin_seconds, math.ceil(duration)) * FRAMES_PER_SECOND)
    frames += frames % 2
    return min(MAX_FRAMES, frames)


def dynamic_batch_features(feature_extractor, works, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """One (batch, n_mels, frames) array; chunks of one bucket, so one frame count."""
    frames = max(padded_frames(work.duration, margin_seconds) for work in works)
    return np.stack([
        pad_or_trim(audio_features(feature_extractor, work.audio()), frames) for work in works
    ])


def chunks_per_batch(batch_size, workers, frames):
    """Chunks in a batch of one padding bucket, `frames` each, when `workers` batches are in the model at once.

    batch_size means what it means to faster-whisper: that many 30 s windows in the model at a
    time. The model's memory grows with the frames it holds (each chunk keeps every decoder
    layer's cross-attention keys and values for its positions), so the workers' batches together
    hold at most batch_size full windows' frames, and a batch takes at least its share of full
    windows (batch_size_per_worker) and never more than batch_size chunks. Shorter chunks
    make fuller decoding steps: on the 32-minute reading (tiny.en, 2 one-thread workers, batch 8)
    6 chunks of 19.5 s per batch instead of 4 took 5-7 % less time and 50 MB more memory, and the
    words are the same (each chunk is padded to its own bucket, whatever its companions).
    """
    share = batch_size_per_worker(batch_size, workers)
    return max(share, min(batch_size, batch_size * MAX_FRAMES // (max(1, workers) * frames)))


def bucket_batches(works, batch_size, margin_seconds=DEFAULT_MARGIN_SECONDS, window_batches=4, workers=1):
    """Batches of chunks of one padding bucket each, longest first, sized by chunks_per_batch.

    Grouped within windows of `window_batches` batches rather than across the whole file:
    the first chunks of a long recording are then done early, so its first segments reach
    the progress callback after a few batches instead of at the very end.
    """
    window = batch_size_per_worker(batch_size, workers) * window_batches
    batches = []
    for start in range(0, len(works), window):
        buckets = {}
        for work in works[start:start + window]:
            buckets.setdefault(padded_frames(work.duration, margin_seconds), []).append(work)
        for frames in sorted(buckets, reverse=True):
            same, size = buckets[frames], chunks_per_batch(batch_size, workers, frames)
            batches.extend(same[first:first + size] for first in range(0, len(same), size))
    return batches


class SlicedEncoder:
    """A WhisperModel as forward() sees it, but encoding in slices within CPU_ENCODER_BUDGET,
    and taking the encodings its chunks already have (`encodings`, None where there is none)."""

    def __init__(self, whisper, encodings=()):
        self._whisper = whisper
        self._encodings = list(encodings)

    def __getattr__(self, name):
        return getattr(self._whisper, name)

    def encode(self, features):
        positions = features.shape[-1] // 2  # the encoder's convolution halves the frames
        known = [encoding if encoding is not None and encoding.shape[0] == positions else None
                 for encoding in self._encodings] or [None] * len(features)
        missing = [position for position, encoding in enumerate(known) if encoding is None]
        if len(missing) == len(features):
            return self._encode_in_slices(features)
        if missing:
            computed = np.asarray(self._encode_in_slices(features[missing]))
            for position, encoding in zip(missing, computed):
                known[position] = encoding
        return ctranslate2.StorageView.from_array(np.ascontiguousarray(np.stack(known)))

    def _encode_in_slices(self, features):
        size = max(1, CPU_ENCODER_BUDGET // features.shape[-1] ** 2)
        if len(features) <= size:
            return self._whisper.encode(features)
        parts = [np.asarray(self._whisper.encode(features[first:first + size]))
                 for first in range(0, len(features), size)]
        return ctranslate2.StorageView.from_array(np.ascontiguousarray(np.concatenate(parts)))


def decode_batch(whisper, features, works, decoding, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Decode one batch; returns, per chunk, faster-whisper segments in speech-only time.

    A chunk whose decoding failed by faster-whisper's own measure (average log-probability
    under log_prob_threshold, or text compressing too well: a repetition loop) is decoded
    again in a full 30 s window, as the plain path would, and the likelier of the two is kept.
    Whisper was trained on 30 s windows; now and then a short one makes it close a chunk after
    a few words (an MP3 of 11 s in the tests: "The quick roundfoc stump, sober m" at -1.15,
    all three sentences at -0.57 in 30 s).

    A chunk whose last timestamp ends more than CUT_SHORT_SECONDS before its speech does was
    closed early, its last words dropped (tiny.en on a 28 s queue file: "...The weather today
    is" with 1.9 s of speech left, when every other chunk of the queue ended within 0.25 s of
    its speech). Only the speech after that timestamp is decoded again, as a chunk of its own
    with the chunk's text as its prompt (complete_tails): a 30 s window for the whole chunk cost
    0.8 s of a worker's time per retry on 2 cores, a 3.4 s tail 0.18 s. Where the tail cannot be
    read on its own (its decoding fails, stops short too or says its prompt again), the whole
    chunk gets the 30 s window after all.
    """
    options = decoding.whisper_options
    outputs = _forward(whisper, features, works, decoding)
    for work in works:
        work.encoding = None  # used; the retries below pad differently
    failed = [position for position, output in enumerate(outputs) if _failed(output, options)]
    cut_short = [position for position, (output, work) in enumerate(zip(outputs, works))
                 if position not in failed and _cut_short(output, work)]
    doubtful = sorted(failed + complete_tails(whisper, outputs, works, cut_short, decoding, margin_seconds))
    if doubtful and features.shape[-1] < MAX_FRAMES:
        # Padding the padded features further equals padding the chunk's own: zeros either way.
        wide = np.stack([pad_or_trim(features[position], MAX_FRAMES) for position in doubtful])
        retried = _forward(whisper, wide, [works[position] for position in doubtful], decoding)
        for position, output in zip(doubtful, retried):
            if _better(output, outputs[position], works[position]):
                outputs[position] = output
    return [list(faster_whisper_segments([output], options)) for output in outputs]


def complete_tails(whisper, outputs, works, positions, decoding, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Decode the speech after the last timestamp of each cut-short chunk at `positions`, as a
    chunk of its own with the chunk's text so far as its prompt, and append its segments. Returns
    the positions this could not mend (the tail's decoding failed, stopped short as well, or
    said the prompt again): those need the wide retry.

    The prompt matters: on its own, tiny.en heard the 3.4 s tail "...is to be ill-disposed" of a
    LibriVox reading as "is to be a old-sposed"; with the sentence before it as the prompt, its
    words are the ones the 30 s window gives. A tail that decodes to nothing had no words in it
    (breath or noise after the speech): the first decoding is kept. Each tail is padded to its own
    bucket and decoded alone (its prompt is its own), so the words never depend on the batch.
    """
    unreadable = []
    for position in positions:
        output = outputs[position]
        tail = tail_work(works[position], output[-1]["end"])
        tail_output = _forward(whisper, dynamic_batch_features(whisper.feature_extractor, [tail], margin_seconds),
                               [tail], _with_context(decoding, output))[0]
        if (_failed(tail_output, decoding.whisper_options) or _cut_short(tail_output, tail)
                or _repeats(tail_output, output, decoding.language)):
            unreadable.append(position)
        else:
            outputs[position] = output + tail_output
    return unreadable


def tail_work(work, start):
    """The part of a chunk from `start` (seconds on the speech-only timeline) to its end."""
    start = max(start, work.chunk.offset)  # a timestamp before the chunk would shift its tail's times
    audio = work.audio()[round((start - work.chunk.offset) * SAMPLE_RATE):]
    chunk = Chunk(work.chunk.clips, start, audio.size / SAMPLE_RATE)
    return ChunkWork(owner=work.owner, index=work.index, chunk=chunk, samples=None, audio_samples=audio)


def _with_context(decoding, output):
    """The decoding settings with the caller's prompt followed by the text decoded so far
    (faster-whisper keeps the prompt's last 223 tokens: Whisper's limit)."""
    context = _text(output)
    prompt = " ".join(part for part in (decoding.whisper_options.initial_prompt, context) if part) or None
    return dataclasses.replace(decoding, whisper_options=dataclasses.replace(decoding.whisper_options,
                                                                             initial_prompt=prompt))


# Words at the start of a tail that, found among the last words before it, make it an echo of
# its prompt rather than new speech.
ECHO_WORDS = 3
ECHO_SEARCH_WORDS = 40


def _repeats(tail_output, output, language="en"):
    """Whether the tail starts by saying again words of the text before it (its prompt)."""
    tail = normalize_text(_text(tail_output), language).split()[:ECHO_WORDS]
    if len(tail) < ECHO_WORDS:
        return False
    before = normalize_text(_text(output), language).split()[-ECHO_SEARCH_WORDS:]
    return any(before[start:start + ECHO_WORDS] == tail for start in range(len(before) - ECHO_WORDS + 1))


def _text(output):
    return "".join(segment["text"] for segment in output).strip()


def _forward(whisper, features, works, decoding):
    # A fresh pipeline per call: its only state is the last word time of the previous batch,
    # which means nothing once batches mix chunks out of order or from several files. On a GPU
    # the whole batch is encoded at once (the GPU wants large batches; its memory is budgeted).
    model = SlicedEncoder(whisper, [work.encoding for work in works]) if _encodes_in_slices(whisper) else whisper
    pipeline = BatchedInferencePipeline(model)
    return pipeline.forward(features, decoding.tokenizer, [work.chunk.metadata() for work in works],
                            decoding.whisper_options)


def _encodes_in_slices(whisper):
    return whisper.model.device != "cuda"


def _log_probability(output):
    """A chunk's average token log-probability (every segment of a chunk carries the same)."""
    return output[0]["avg_logprob"] if output else float("-inf")


def _cut_short(output, work):
    """Whisper closed the chunk well before its speech ended: its last words are missing."""
    if not output:
        return False
    return work.chunk.offset + work.chunk.duration - output[-1]["end"] > CUT_SHORT_SECONDS


def _better(retried, original, work):
    """Whether a retry replaces the first decoding: reaching the end first, then likelihood."""
    if not retried:
        return False
    if _cut_short(original, work) != _cut_short(retried, work):
        return _cut_short(original, work)
    return _log_probability(retried) > _log_probability(original)


def _failed(output, options):
    """faster-whisper's test for a decoding to retry (its sequential path's temperature fallback);
    a chunk without any text is left alone: retrying noise invites invented words."""
    if not output:
        return False
    return (_log_probability(output) < options.log_prob_threshold
            or any(segment["compression_ratio"] > options.compression_ratio_threshold for segment in output))

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
import math
from dataclasses import dataclass

import ctranslate2
import numpy as np
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import BatchedInferencePipeline

from .batched import faster_whisper_options, faster_whisper_segments
from .chunking import CHUNK_SECONDS, ChunkPlan, chunk_features, group_clips, plan_chunks

# Shorter chunks encode faster per second of speech (self-attention), longer ones give
# Whisper more context. tiny.en int8, 5 minutes of espeak-ng speech, CPU seconds and WER
# (30 s windows: 9.5 s, 0.096): 10 s chunks 5.3 s, 0.097; 15 s 6.0 s, 0.089; 20 s 7.6 s,
# 0.082; 25 s 8.3 s, 0.086.
DEFAULT_MAX_CHUNK_SECONDS = 15
# Padding after the bucket: room for the closing timestamp. Word errors on 2637 words of
# espeak-ng speech in six voices (tiny.en; bare faster-whisper 348: 153 queue, 111 long
# recording, 84 accuracy set): 15 s chunks, 2.5 s buckets, 1 s margin 320 (143, 96, 81);
# 2 s margin 342; 3 s 335; 20 s chunks with 2 s margin 326.
DEFAULT_MARGIN_SECONDS = 1.0
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


@dataclass
class ChunkWork:
    """One chunk waiting to be decoded: where it comes from and how to put its text back.

    `owner` is whatever the caller needs to route the result (a job), `index` the chunk's
    position in its owner's plan so results can be reassembled in the order of the audio.
    """

    owner: object
    index: int
    chunk: object  # chunking.Chunk
    samples: np.ndarray

    @property
    def duration(self):
        return self.chunk.duration


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


def detect_language(whisper, samples, plan, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Language and probability from the first chunk of speech, encoded at its own length.

    The plain path encodes the first 30 s of speech padded to a full window, once per file: for
    a queue of short files on a multilingual model that is a quarter of the work. One chunk
    (up to 15 s of speech) is enough for Whisper to tell the language: with base on 20 espeak-ng
    clips (German, Spanish, French, English voices, 6-58 s) both ways found the same language.
    """
    work = ChunkWork(None, 0, plan.chunks[0], samples)
    features = dynamic_batch_features(whisper.feature_extractor, [work], margin_seconds)
    language_token, probability = whisper.model.detect_language(whisper.encode(features))[0][0]
    return language_token[2:-2], float(probability)  # "<|de|>" -> "de"


def prepare_decoding(whisper, samples, plan, options, language, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Detect the language when none is given, then build the prompt and decoding settings."""
    language_probability = 1.0
    if language is None:
        language, language_probability = detect_language(whisper, samples, plan, margin_seconds)
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
        pad_or_trim(chunk_features(feature_extractor, work.samples, work.chunk), frames) for work in works
    ])


def bucket_batches(works, batch_size, margin_seconds=DEFAULT_MARGIN_SECONDS, window_batches=4):
    """Batches of chunks of one padding bucket each, longest first.

    Grouped within windows of `window_batches` batches rather than across the whole file:
    the first chunks of a long recording are then done early, so its first segments reach
    the progress callback after a few batches instead of at the very end.
    """
    window = batch_size * window_batches
    batches = []
    for start in range(0, len(works), window):
        buckets = {}
        for work in works[start:start + window]:
            buckets.setdefault(padded_frames(work.duration, margin_seconds), []).append(work)
        for frames in sorted(buckets, reverse=True):
            same = buckets[frames]
            batches.extend(same[first:first + batch_size] for first in range(0, len(same), batch_size))
    return batches


class SlicedEncoder:
    """A WhisperModel as forward() sees it, but encoding in slices within CPU_ENCODER_BUDGET."""

    def __init__(self, whisper):
        self._whisper = whisper

    def __getattr__(self, name):
        return getattr(self._whisper, name)

    def encode(self, features):
        size = max(1, CPU_ENCODER_BUDGET // features.shape[-1] ** 2)
        if len(features) <= size:
            return self._whisper.encode(features)
        parts = [np.asarray(self._whisper.encode(features[first:first + size]))
                 for first in range(0, len(features), size)]
        return ctranslate2.StorageView.from_array(np.ascontiguousarray(np.concatenate(parts)))


def decode_batch(whisper, features, works, decoding):
    """Decode one batch; returns, per chunk, faster-whisper segments in speech-only time.

    A chunk whose decoding failed by faster-whisper's own measure (average log-probability
    under log_prob_threshold, or text compressing too well: a repetition loop) is decoded
    again in a full 30 s window, as the plain path would, and the likelier of the two is kept.
    Whisper was trained on 30 s windows; now and then a short one makes it close a chunk after
    a few words (an MP3 of 11 s in the tests: "The quick roundfoc stump, sober m" at -1.15,
    all three sentences at -0.57 in 30 s). Only those chunks pay for the wider window.
    """
    options = decoding.whisper_options
    outputs = _forward(whisper, features, works, decoding)
    doubtful = [position for position, output in enumerate(outputs) if _failed(output, options)]
    if doubtful and features.shape[-1] < MAX_FRAMES:
        # Padding the padded features further equals padding the chunk's own: zeros either way.
        wide = np.stack([pad_or_trim(features[position], MAX_FRAMES) for position in doubtful])
        retried = _forward(whisper, wide, [works[position] for position in doubtful], decoding)
        for position, output in zip(doubtful, retried):
            if output and _log_probability(output) > _log_probability(outputs[position]):
                outputs[position] = output
    return [list(faster_whisper_segments([output], options)) for output in outputs]


def _forward(whisper, features, works, decoding):
    # A fresh pipeline per call: its only state is the last word time of the previous batch,
    # which means nothing once batches mix chunks out of order or from several files. On a GPU
    # the whole batch is encoded at once (the GPU wants large batches; its memory is budgeted).
    pipeline = BatchedInferencePipeline(whisper if whisper.model.device == "cuda" else SlicedEncoder(whisper))
    return pipeline.forward(features, decoding.tokenizer, [work.chunk.metadata() for work in works],
                            decoding.whisper_options)


def _log_probability(output):
    """A chunk's average token log-probability (every segment of a chunk carries the same)."""
    return output[0]["avg_logprob"] if output else float("-inf")


def _failed(output, options):
    """faster-whisper's test for a decoding to retry (its sequential path's temperature fallback);
    a chunk without any text is left alone: retrying noise invites invented words."""
    if not output:
        return False
    return (_log_probability(output) < options.log_prob_threshold
            or any(segment["compression_ratio"] > options.compression_ratio_threshold for segment in output))

"""Decodes the buffers of several live streams in one batch with CTranslate2's Whisper.

Only the audio in each buffer is encoded, not a window padded to 30 s: CTranslate2 accepts
shorter feature lengths and the encoder cost grows with the length. Whisper was trained on audio
that ends in zero padding, though, and a window cut right after speech makes it loop ("the how
how how ...") because it never sees the audio end; a short tail of silence (TAIL_PADDING_SECONDS)
restores the end-of-audio cue at a fraction of the 30 s cost (measured in docs/benchmarks.md,
"Live"). Windows of one batch share one length: each is padded with silence to the longest."""
import math
from dataclasses import dataclass
from functools import lru_cache

import ctranslate2
import numpy as np
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import merge_punctuations

from appliance.engine.live.local_agreement import Word

SAMPLE_RATE = 16000
HOP_SAMPLES = 160  # one mel frame
MAX_WINDOW_SAMPLES = 30 * SAMPLE_RATE  # Whisper's encoder has 1500 positions (30 s)
TAIL_PADDING_SECONDS = 2.0
MAX_PROMPT_TOKENS = 64
MAX_PREFIX_TOKENS = 128  # a longer committed prefix is generated again instead of forced
# Generous for fast speech (about 3 tokens a second in English), tight enough to stop a loop.
TOKENS_PER_SECOND_BUDGET = 8
PREPEND_PUNCTUATIONS = "\"'“¿([{-"
APPEND_PUNCTUATIONS = "\"'.。,，!！?？:：”)]}、"
# Whisper's signs of "there is no speech here": both must hold, as in faster-whisper.
NO_SPEECH_PROBABILITY = 0.6
NO_SPEECH_LOGPROB = -1.0
# A phrase repeated this often in a row is a decoding loop, not speech ("how how how"); a
# phrase of LONG_LOOP_PHRASE_WORDS or more (a whole sentence said again) already the second time.
LOOP_REPEATS = 3
LONG_LOOP_PHRASE_WORDS = 4


@dataclass(frozen=True)
class WindowRequest:
    audio: np.ndarray  # float32 mono 16 kHz
    prompt: str = ""  # committed text before the window, for context
    language: str | None = None  # None: detect (multilingual models)
    task: str = "transcribe"
    # Committed text whose audio is in the window: forced as the start of the transcript, so the
    # decoder only generates what follows (the hypothesis still holds these words).
    prefix: str = ""


@dataclass(frozen=True)
class WindowHypothesis:
    words: list[Word]  # times in seconds from the window start
    language: str
    no_speech_probability: float
    average_logprob: float


class WindowDecoder:
    """Wraps one loaded faster-whisper WhisperModel (its CTranslate2 model, feature extractor and
    tokenizer). Not thread-safe for concurrent decode calls: the live engine calls it from one
    worker thread."""

    def __init__(self, whisper_model, tail_padding_seconds: float = TAIL_PADDING_SECONDS, full_window: bool = False):
        """full_window=True pads every window to 30 s like offline Whisper (the benchmark's
        comparison point)."""
        self.whisper_model = whisper_model
        self.model = whisper_model.model
        self.feature_extractor = whisper_model.feature_extractor
        self.multilingual = self.model.is_multilingual
        self.tail_padding_samples = int(tail_padding_seconds * SAMPLE_RATE)
        self.full_window = full_window

    @property
    def max_audio_samples(self) -> int:
        return MAX_WINDOW_SAMPLES - self.tail_padding_samples

    def decode(self, requests: list[WindowRequest]) -> list[WindowHypothesis]:
        if not requests:
            return []
        for request in requests:
            if len(request.audio) > self.max_audio_samples:
                raise ValueError(f"a window holds at most {self.max_audio_samples / SAMPLE_RATE:.0f} s of audio")
        features = self._features(requests)
        encoder_output = self.model.encode(_storage(features), to_cpu=False)
        languages = self._languages(requests, encoder_output)
        tokenizers = [self._tokenizer(language, request.task) for language, request in zip(languages, requests)]
        prompts = self._prompts(requests, tokenizers)
        longest_seconds = max(len(request.audio) for request in requests) / SAMPLE_RATE
        budget = min(224, 16 + math.ceil(TOKENS_PER_SECOND_BUDGET * longest_seconds))
        results = self.model.generate(
            encoder_output,
            prompts,
            beam_size=1,
            max_length=max(len(prompt) for prompt in prompts) + budget,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
        )
        text_tokens = [
            [token for token in result.sequences_ids[0] if token < tokenizer.eot]
            for result, tokenizer in zip(results, tokenizers)
        ]
        words = self._aligned_words(requests, features, encoder_output, tokenizers, text_tokens)
        hypotheses = []
        for request, result, language, item_words in zip(requests, results, languages, words):
            average_logprob = float(result.scores[0]) if result.scores else 0.0
            no_speech = float(result.no_speech_prob)
            if no_speech > NO_SPEECH_PROBABILITY and average_logprob < NO_SPEECH_LOGPROB:
                item_words = []
            hypotheses.append(WindowHypothesis(_without_loop(item_words), language, no_speech, average_logprob))
        return hypotheses

    def _features(self, requests) -> np.ndarray:
        # One length for the batch, a whole number of encoder positions (2 mel frames each).
        longest = max(len(request.audio) for request in requests) + self.tail_padding_samples
        step = 2 * HOP_SAMPLES
        length = MAX_WINDOW_SAMPLES if self.full_window else min(MAX_WINDOW_SAMPLES, step * math.ceil(longest / step))
        padded = [np.pad(request.audio.astype(np.float32, copy=False), (0, length - len(request.audio))) for request in requests]
        return np.stack([self.feature_extractor(audio, padding=0)[:, : length // HOP_SAMPLES] for audio in padded])

    def _languages(self, requests, encoder_output) -> list[str]:
        if not self.multilingual:
            return ["en"] * len(requests)
        if all(request.language for request in requests):
            return [request.language for request in requests]
        detected = self.model.detect_language(encoder_output)
        return [
            request.language or candidates[0][0].strip("<|>")
            for request, candidates in zip(requests, detected)
        ]

    def _tokenizer(self, language: str, task: str) -> Tokenizer:
        return _cached_tokenizer(self.whisper_model.hf_tokenizer, self.multilingual, task, language)

    def _prompts(self, requests, tokenizers) -> list[list[int]]:
        previous = [
            tokenizer.encode(" " + request.prompt.strip())[-MAX_PROMPT_TOKENS:] if request.prompt.strip() else []
            for request, tokenizer in zip(requests, tokenizers)
        ]
        # CTranslate2 needs <|startoftranscript|> at one position across the batch, so every
        # prompt keeps as many previous tokens as the shortest one has.
        keep = min(len(tokens) for tokens in previous)
        prompts = []
        for request, tokens, tokenizer in zip(requests, previous, tokenizers):
            context = [tokenizer.sot_prev, *tokens[len(tokens) - keep :]] if keep else []
            prompts.append([*context, *tokenizer.sot_sequence, tokenizer.no_timestamps, *_prefix_tokens(request, tokenizer)])
        return prompts

    def _aligned_words(self, requests, features, encoder_output, tokenizers, text_tokens) -> list[list[Word]]:
        words: list[list[Word]] = [[] for _ in requests]
        groups: dict[tuple, list[int]] = {}
        for index, tokens in enumerate(text_tokens):
            if tokens:
                groups.setdefault(tuple(tokenizers[index].sot_sequence), []).append(index)
        for start_sequence, indices in groups.items():
            # align() takes one start sequence per call; a batch of one language (the usual case)
            # reuses the encoder output, a mixed one aligns each language on its own features.
            source = encoder_output if len(indices) == len(requests) else _storage(features[indices])
            alignments = self.model.align(
                source,
                list(start_sequence),
                [text_tokens[index] for index in indices],
                [len(requests[index].audio) // HOP_SAMPLES for index in indices],
                median_filter_width=7,
            )
            for index, alignment in zip(indices, alignments):
                duration = len(requests[index].audio) / SAMPLE_RATE
                words[index] = _words_from_alignment(tokenizers[index], text_tokens[index], alignment, duration)
        return words


def _prefix_tokens(request, tokenizer) -> list[int]:
    # Prefixes may differ in length within a batch: CTranslate2 forces each one on its own row.
    tokens = tokenizer.encode(" " + request.prefix.strip()) if request.prefix.strip() else []
    return tokens if len(tokens) <= MAX_PREFIX_TOKENS else []


@lru_cache(maxsize=64)
def _cached_tokenizer(hf_tokenizer, multilingual, task, language) -> Tokenizer:
    return Tokenizer(hf_tokenizer, multilingual, task=task, language=language)


def _storage(features: np.ndarray) -> ctranslate2.StorageView:
    return ctranslate2.StorageView.from_array(np.ascontiguousarray(features, dtype=np.float32))


def _words_from_alignment(tokenizer, tokens, alignment, duration) -> list[Word]:
    # The same steps as faster-whisper's find_alignment, for one window.
    tokens_per_second = SAMPLE_RATE / HOP_SAMPLES / 2
    word_texts, word_tokens = tokenizer.split_to_word_tokens(tokens + [tokenizer.eot])
    if len(word_tokens) <= 1:
        return []
    boundaries = np.pad(np.cumsum([len(t) for t in word_tokens[:-1]]), (1, 0))
    text_indices = np.array([pair[0] for pair in alignment.alignments])
    time_indices = np.array([pair[1] for pair in alignment.alignments])
    if len(text_indices) == 0:
        return []
    jumps = np.pad(np.diff(text_indices), (1, 0), constant_values=1).astype(bool)
    jump_times = time_indices[jumps] / tokens_per_second
    probabilities = alignment.text_token_probs
    timings = []
    for position, (text, word_token_ids) in enumerate(zip(word_texts[:-1], word_tokens[:-1])):
        first, last = boundaries[position], boundaries[position + 1]
        if first >= len(jump_times):
            break
        timings.append(
            {
                "word": text,
                "tokens": word_token_ids,
                "start": float(jump_times[first]),
                "end": float(jump_times[min(last, len(jump_times) - 1)]),
                "probability": float(np.mean(probabilities[first:last])) if last > first else 0.0,
            }
        )
    merge_punctuations(timings, PREPEND_PUNCTUATIONS, APPEND_PUNCTUATIONS)
    return [
        Word(
            start=min(timing["start"], duration),
            end=min(max(timing["end"], timing["start"]), duration),
            text=timing["word"],
            probability=timing["probability"],
        )
        for timing in timings
        if timing["word"].strip()
    ]


def _without_loop(words: list[Word]) -> list[Word]:
    """Cuts a hypothesis at the start of a decoding loop, keeping the looping phrase once."""
    keys = [word.key for word in words]
    for start in range(len(keys)):
        for size in range(1, (len(keys) - start) // 2 + 1):
            phrase = keys[start : start + size]
            repeats = 1
            while keys[start + repeats * size : start + (repeats + 1) * size] == phrase:
                repeats += 1
            if repeats >= (2 if size >= LONG_LOOP_PHRASE_WORDS else LOOP_REPEATS):
                return words[: start + size]
    return words

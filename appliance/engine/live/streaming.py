"""The state of one live stream: its audio buffer, voice activity and commit policy.

A StreamingSession turns PCM16 frames into committed words. It does no inference itself:
`prepare_window()` says what to decode (or that nothing needs decoding, when the new audio is
silence), the live engine decodes the windows of many sessions in one batch, and
`apply_hypothesis()` turns the result into `final` and `partial` events.

Bounded memory: received audio waits in a small queue until the next step moves it into a
preallocated ring buffer; the buffer is trimmed right after each committed sentence, silence
is dropped, and when agreement cannot keep up the oldest words are
committed anyway, so the window never outgrows Whisper's 30 s."""
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from appliance.engine.live.committed_overlap import heard_in_buffer
from appliance.engine.live.window_decoder import SAMPLE_RATE, WindowHypothesis, WindowRequest
from appliance.engine.live.streaming_vad import StreamingVoiceDetector
from appliance.engine.live.local_agreement import LocalAgreement, Word, join_words
from appliance.engine.live.ring_buffer import AudioRingBuffer


class StreamError(ValueError):
    """Bad input on a live stream; `code` is the protocol's machine-readable error code."""

    code = "bad_input"


class BadFrameError(StreamError):
    code = "bad_frame"


class StreamTooFastError(StreamError):
    code = "too_fast"


@dataclass(frozen=True)
class StreamingConfig:
    buffer_seconds: float = 28.0  # plus the decoder's 2 s tail padding: Whisper's 30 s window
    # Committed audio stays in the buffer as context for the words after it (tiny.en's live
    # WER on speech with pauses was 0.03-0.05 lower with it, docs/benchmarks.md "Live"); the
    # hypothesis' repeat of its words is dropped by text (committed_overlap).
    sentence_trim_seconds: float = 15.0  # past this, drop audio up to the last committed sentence end
    context_seconds: float = 10.0  # silence on a buffer longer than this drops the committed audio
    hard_trim_seconds: float = 20.0  # past this, drop audio up to the last committed word
    force_commit_seconds: float = 24.0  # past this, commit words that are not agreed yet,
    force_commit_keep_seconds: float = 9.0  # all but those of the newest this many seconds
    # A word still unconfirmed this long before the end of the audio heard has all the context it
    # will get: commit the newest hypothesis' version of it (bounds the latency of phrases two
    # hypotheses keep disagreeing on).
    max_unconfirmed_seconds: float = 3.0
    min_step_seconds: float = 0.5  # new audio needed before the next decode
    min_new_speech_seconds: float = 0.2  # uncommitted speech needed before a decode
    finalize_silence_seconds: float = 0.5  # silence (after the VAD hangover) that ends an utterance
    keep_silence_seconds: float = 0.3  # silence kept in front of the next utterance
    prompt_characters: int = 200
    committed_prefix: bool = True  # committed words in the buffer are the decoder's forced prefix
    vad_threshold: float = 0.5
    # A client may run ahead of the wall clock by this much (a reconnect flushes what the
    # browser held back); more means it sends faster than real time.
    max_ahead_seconds: float = 30.0
    max_frame_seconds: float = 2.0


@dataclass
class _Window:
    start: int
    end: int
    final: bool


def _seconds(samples: int) -> float:
    return samples / SAMPLE_RATE


def _sample(seconds: float) -> int:
    return int(round(seconds * SAMPLE_RATE))


class StreamingSession:
    def __init__(
        self,
        language: str | None = None,
        task: str = "transcribe",
        config: StreamingConfig = StreamingConfig(),
        clock=time.monotonic,
    ):
        self.config = config
        self.language = language
        self.task = task
        self._clock = clock
        self.started_at = clock()
        self.ring = AudioRingBuffer(_sample(config.buffer_seconds))
        self.voice = StreamingVoiceDetector(config.vad_threshold)
        self.agreement = LocalAgreement()
        self.committed: list[Word] = []
        self.received_samples = 0
        self.decoded_end = 0  # absolute sample the latest decoded window reached
        self.stopping = False
        self._pending: deque[np.ndarray] = deque()
        self._pending_samples = 0
        self._arrivals: deque[tuple[int, float]] = deque()  # (end sample, clock) per frame
        self._window_arrival: float | None = None  # when the newest decoded sample arrived
        # Frames arrive on the event loop thread while a step runs in the worker thread.
        self._pending_lock = threading.Lock()
        self._window: _Window | None = None

    # Input (event loop thread) ---------------------------------------------------------------

    def receive(self, pcm16: bytes) -> np.ndarray:
        """Queues one frame of little-endian 16-bit mono 16 kHz PCM; returns its samples."""
        if len(pcm16) == 0 or len(pcm16) % 2:
            raise BadFrameError(
                f"a binary frame must hold 16-bit samples (an even, non-zero number of bytes), got {len(pcm16)} bytes"
            )
        count = len(pcm16) // 2
        if count > _sample(self.config.max_frame_seconds):
            raise BadFrameError(f"a binary frame may hold at most {self.config.max_frame_seconds:g} s of audio")
        ahead = _seconds(self.received_samples + count) - (self._clock() - self.started_at)
        if ahead > self.config.max_ahead_seconds:
            raise StreamTooFastError(
                f"audio arrives faster than real time (more than {self.config.max_ahead_seconds:g} s ahead of the clock)"
            )
        samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
        with self._pending_lock:
            self._pending.append(samples)
            self._pending_samples += count
            self.received_samples += count
            self._arrivals.append((self.received_samples, self._clock()))
        return samples

    def request_stop(self) -> None:
        self.stopping = True

    @property
    def pending_seconds(self) -> float:
        return _seconds(self._pending_samples)

    @property
    def backlog_seconds(self) -> float:
        """Audio received but not yet part of a decoded window."""
        return _seconds(self.received_samples - self.decoded_end)

    @property
    def lag_seconds(self) -> float:
        """How long ago the newest decoded audio arrived: waiting plus processing time."""
        if self._window_arrival is None:
            return 0.0
        return max(0.0, self._clock() - self._window_arrival)

    def is_ready(self) -> bool:
        if self._pending_samples >= _sample(self.config.min_step_seconds):
            return True
        return self.stopping and not self.is_finished()

    def is_finished(self) -> bool:
        """Stopped, every received sample decoded and every word committed."""
        return (
            self.stopping
            and self._pending_samples == 0
            and self.decoded_end >= self.ring.end
            and not self.agreement.unstable
        )

    # A step (worker thread) -------------------------------------------------------------------

    def prepare_window(self) -> WindowRequest | None:
        """Moves queued audio into the buffer and returns the window to decode, or None when
        there is nothing to decode (silence, or stopped with nothing left)."""
        self._feed()
        config = self.config
        uncommitted_start = max(self.ring.start, _sample(self.agreement.committed_end))
        # A little speech after the committed end is the tail of the last committed word (its
        # aligned end comes early), not a new word: decoded alone, Whisper invents words for it.
        has_speech = self.voice.speech_samples(uncommitted_start, self.ring.end) >= _sample(config.min_new_speech_seconds)
        drained = self.stopping and self._pending_samples == 0
        if not has_speech and not self.agreement.unstable:
            no_context = self._last_committed_end_in_buffer(sentence=False) is None
            if no_context or _seconds(len(self.ring)) > config.context_seconds:
                # Silence and nothing to keep, or a long pause: keep only a lead-in for the next word.
                self._trim(self.ring.end - _sample(config.keep_silence_seconds))
            self.decoded_end = self.ring.end
            self._window = None
            return None
        last_speech_end = self.voice.last_speech_end or 0
        silence = self.voice.processed - last_speech_end
        utterance_over = silence >= _sample(config.finalize_silence_seconds)
        self._window = _Window(self.ring.start, self.ring.end, final=drained or utterance_over)
        return WindowRequest(self.ring.window(), self.prompt(), self.language, self.task, prefix=self.prefix())

    def apply_hypothesis(self, hypothesis: WindowHypothesis) -> list[dict]:
        """Commits what the new hypothesis allows; returns the events for the client."""
        window = self._window
        self._window = None
        offset = _seconds(window.start)
        words = [word.shifted(offset) for word in hypothesis.words]
        if self.language is None and words:
            self.language = hypothesis.language
        self.decoded_end = max(self.decoded_end, window.end)
        if window.final:
            committed = self.agreement.commit_final(words, offset)
        else:
            committed = self.agreement.update(words, offset)
            committed += self.agreement.commit_until(_seconds(window.end) - self.config.max_unconfirmed_seconds)
        events = self._commit(committed)
        events.extend(self._trim_committed())
        events.append(self.partial_event())
        return events

    def flush(self) -> list[dict]:
        """Commits whatever is left unconfirmed (the stream ends without a last decode)."""
        return self._commit(self.agreement.commit_all())

    # Helpers ---------------------------------------------------------------------------------

    def prompt(self) -> str:
        """Committed text before the buffer start: the buffer itself is transcribed again."""
        buffer_start = _seconds(self.ring.start)
        before = [word for word in self.committed[-60:] if not heard_in_buffer(word, buffer_start)]
        text = join_words(before)
        if len(text) > self.config.prompt_characters:
            text = text[-self.config.prompt_characters :]
            text = text.split(" ", 1)[-1] if " " in text else text
        return text

    def prefix(self) -> str:
        """Committed text whose audio is in the buffer, forced as the decoder's prefix."""
        if not self.config.committed_prefix:
            return ""
        buffer_start = _seconds(self.ring.start)
        inside = []
        for word in reversed(self.committed):
            if not heard_in_buffer(word, buffer_start):
                break
            inside.append(word)
        return join_words(reversed(inside))

    def partial_event(self) -> dict:
        unstable = self.agreement.unstable
        if not unstable:
            return {"type": "partial", "text": "", "start": None, "end": None}
        return {
            "type": "partial",
            "text": join_words(unstable),
            "start": round(unstable[0].start, 2),
            "end": round(unstable[-1].end, 2),
        }

    def _feed(self) -> None:
        with self._pending_lock:
            room = self.ring.free
            moved = []
            while self._pending and room > 0:
                chunk = self._pending.popleft()
                if len(chunk) > room:
                    self._pending.appendleft(chunk[room:])
                    chunk = chunk[:room]
                moved.append(chunk)
                room -= len(chunk)
                self._pending_samples -= len(chunk)
            fed_end = self.ring.end + sum(len(chunk) for chunk in moved)
            while self._arrivals and self._arrivals[0][0] <= fed_end:
                self._window_arrival = self._arrivals.popleft()[1]
        for chunk in moved:
            self.ring.append(chunk)
            self.voice.accept(chunk)

    def _commit(self, words: list[Word]) -> list[dict]:
        if not words:
            return []
        self.committed.extend(words)
        return [
            {
                "type": "final",
                "text": join_words(words),
                "start": round(words[0].start, 2),
                "end": round(words[-1].end, 2),
            }
        ]

    def _trim_committed(self) -> list[dict]:
        config = self.config
        events = []
        sentence_end = self._last_committed_end_in_buffer(sentence=True)
        if sentence_end is not None and _seconds(len(self.ring)) > config.sentence_trim_seconds:
            self._trim(_sample(sentence_end))
        if _seconds(len(self.ring)) > config.hard_trim_seconds:
            word_end = self._last_committed_end_in_buffer(sentence=False)
            if word_end is not None:
                self._trim(_sample(word_end))
        if _seconds(len(self.ring)) > config.force_commit_seconds:
            # Agreement fell behind (a machine too slow, or a hypothesis that keeps changing):
            # commit the older unconfirmed words so the window stays within Whisper's 30 s.
            keep = config.force_commit_keep_seconds
            events.extend(self._commit(self.agreement.commit_until(_seconds(self.ring.end) - keep)))
            word_end = self._last_committed_end_in_buffer(sentence=False)
            cut = self.ring.end - _sample(config.hard_trim_seconds)
            self._trim(max(cut, _sample(word_end)) if word_end is not None else cut)
        return events

    def _last_committed_end_in_buffer(self, sentence: bool) -> float | None:
        buffer_start = _seconds(self.ring.start)
        for word in reversed(self.committed):
            if not heard_in_buffer(word, buffer_start):
                return None
            if not sentence or word.ends_sentence:
                return word.end
        return None

    def _trim(self, absolute_sample: int) -> None:
        self.ring.trim_before(absolute_sample)
        self.voice.forget_before(self.ring.start)

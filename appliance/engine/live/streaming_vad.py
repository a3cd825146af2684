"""Silero voice activity detection over a live stream, chunk by chunk.

faster-whisper bundles the Silero ONNX model (no download); its own wrapper restarts the
recurrent state at every call, which suits whole files. A live stream arrives in pieces, so this
detector keeps the state (h, c and the 64-sample context) between pieces: the probabilities are
the same as one pass over the whole stream."""
import numpy as np
from faster_whisper.vad import get_vad_model

CHUNK_SAMPLES = 512
CONTEXT_SAMPLES = 64


class StreamingVoiceDetector:
    def __init__(self, threshold: float = 0.5, hangover_samples: int = 3200):
        self.threshold = threshold
        # Once speech started, probabilities down to threshold - 0.15 still count as speech
        # (the hysteresis of Silero's own segmenter), so a soft syllable does not split a word.
        self.release_threshold = max(threshold - 0.15, 0.01)
        self.hangover_samples = hangover_samples
        self._model = get_vad_model()
        self._state_h = np.zeros((1, 1, 128), dtype=np.float32)
        self._state_c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._remainder = np.zeros(0, dtype=np.float32)
        self._processed = 0  # absolute samples judged so far
        self._in_speech = False
        # [start, end) absolute sample ranges of speech, merged, without the hangover.
        self._speech: list[list[int]] = []

    @property
    def processed(self) -> int:
        return self._processed

    @property
    def last_speech_end(self) -> int | None:
        return self._speech[-1][1] + self.hangover_samples if self._speech else None

    def accept(self, samples: np.ndarray) -> None:
        """Judges the new samples (whole 512-sample chunks; the rest waits for the next call)."""
        pending = np.concatenate((self._remainder, samples)) if len(self._remainder) else samples
        count = len(pending) // CHUNK_SAMPLES
        self._remainder = pending[count * CHUNK_SAMPLES :].astype(np.float32, copy=True)
        if count == 0:
            return
        chunks = pending[: count * CHUNK_SAMPLES].astype(np.float32, copy=False).reshape(count, CHUNK_SAMPLES)
        contexts = np.concatenate((self._context[None, :], chunks[:-1, -CONTEXT_SAMPLES:]), axis=0)
        batch = np.ascontiguousarray(np.concatenate((contexts, chunks), axis=1))
        probabilities, self._state_h, self._state_c = self._model.session.run(
            None, {"input": batch, "h": self._state_h, "c": self._state_c}
        )
        self._context = chunks[-1, -CONTEXT_SAMPLES:].copy()
        for probability in np.asarray(probabilities).ravel():
            self._record(float(probability))

    def has_speech(self, start: int, end: int) -> bool:
        """Whether [start, end) holds speech, counting the hangover after each span."""
        return any(s < end and e + self.hangover_samples > start for s, e in self._speech)

    def speech_samples(self, start: int, end: int) -> int:
        """How much of [start, end) the detector judged to be speech itself (no hangover)."""
        return sum(max(0, min(e, end) - max(s, start)) for s, e in self._speech)

    def speech_after(self, start: int) -> list[tuple[int, int]]:
        return [(max(s, start), e + self.hangover_samples) for s, e in self._speech if e + self.hangover_samples > start]

    def forget_before(self, absolute_index: int) -> None:
        """Drops what is known about audio the stream no longer holds."""
        self._speech = [span for span in self._speech if span[1] + self.hangover_samples > absolute_index]

    def _record(self, probability: float) -> None:
        chunk_start = self._processed
        self._processed += CHUNK_SAMPLES
        threshold = self.release_threshold if self._in_speech else self.threshold
        self._in_speech = probability >= threshold
        if not self._in_speech:
            return
        # A speech chunk extends the previous span when the gap is short (a pause inside a
        # sentence): within the hangover, because Silero reacts late.
        if self._speech and chunk_start <= self._speech[-1][1] + self.hangover_samples:
            self._speech[-1][1] = self._processed
        else:
            self._speech.append([chunk_start, self._processed])

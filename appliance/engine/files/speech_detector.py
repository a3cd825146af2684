"""Silero VAD over audio that arrives in pieces: the speech regions of a file while it decodes.

faster-whisper's get_speech_timestamps() wants the whole file as one array and runs the Silero
model over all of it before it returns anything: on a 32-minute recording (2 cores, tiny.en)
5 of the pooled engine's 40 seconds, during which no batch could start, and its largest
memory peak (the model's tensors for 10,000 windows at once, about 400 MB over the audio).
Here the same model runs on each new stretch of windows, its LSTM state and the 64-sample
context carried from one stretch to the next: the probabilities are the ones of a single run
over the file (the stretch boundaries do not change a single bit: tested). The decisions are
faster-whisper 1.2.1's (threshold with hysteresis, cut at a pause before max_speech_duration_s,
padding shared between neighbours), taken window by window, so the regions are the ones
get_speech_timestamps() returns for the whole file; a region is handed out once the next one
has ended, the first moment its padding is final.
"""
import numpy as np
from faster_whisper.vad import get_vad_model

from appliance.engine.files.audio import SAMPLE_RATE

WINDOW_SAMPLES = 512
CONTEXT_SAMPLES = 64
# Windows per model call: 32 s of audio; larger stretches are no faster and cost memory.
WINDOWS_PER_CALL = 1000


class SpeechDetector:
    """feed(samples) -> finished regions; finish() -> the rest. Regions: {"start": s, "end": s}."""

    def __init__(self, vad_options):
        self._model = get_vad_model()
        self._threshold = vad_options.threshold
        self._neg_threshold = (vad_options.neg_threshold if vad_options.neg_threshold is not None
                               else max(vad_options.threshold - 0.15, 0.01))
        self._pad = SAMPLE_RATE * vad_options.speech_pad_ms / 1000
        self._min_speech = SAMPLE_RATE * vad_options.min_speech_duration_ms / 1000
        self._min_silence = SAMPLE_RATE * vad_options.min_silence_duration_ms / 1000
        self._min_silence_at_max_speech = SAMPLE_RATE * 98 / 1000
        self._max_speech = (SAMPLE_RATE * vad_options.max_speech_duration_s - WINDOW_SAMPLES - 2 * self._pad)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._unread = []  # pieces not yet run through the model
        self._unread_samples = 0
        self._window_index = 0
        self.samples_seen = 0
        # The decision state of get_speech_timestamps(), window by window.
        self._triggered = False
        self._current_start = None
        self._temp_end = self._prev_end = self._next_start = 0
        self._ended = []  # regions that ended, before padding: the last one waits for its successor
        self._padded_start = None  # the waiting region's start after its predecessor's padding

    def feed(self, samples):
        """Take the next samples; return the regions that became final (maybe none)."""
        self.samples_seen += samples.size
        self._unread.append(np.asarray(samples, dtype=np.float32))
        self._unread_samples += samples.size
        if self._unread_samples >= WINDOWS_PER_CALL * WINDOW_SAMPLES:
            return self._run(flush=False)
        return []

    def finish(self):
        """The file ended: decide the last regions."""
        finished = self._run(flush=True)
        if self._current_start is not None and self.samples_seen - self._current_start > self._min_speech:
            self._ended.append({"start": self._current_start, "end": self.samples_seen})
            self._current_start = None
        finished += self._release(final=True)
        return finished

    def earliest_needed_sample(self):
        """No region still to come starts before this sample (padding reaches back at most _pad)."""
        candidates = [self._window_index * WINDOW_SAMPLES]
        if self._current_start is not None:
            candidates.append(self._current_start)
        if self._ended:
            candidates.append(self._ended[0]["start"])
        return max(0, int(min(candidates) - self._pad) - 1)

    # --- probabilities -------------------------------------------------------------------------

    def _run(self, flush):
        audio = np.concatenate(self._unread) if len(self._unread) > 1 else (
            self._unread[0] if self._unread else np.zeros(0, dtype=np.float32))
        usable = audio.size - audio.size % WINDOW_SAMPLES
        if flush:  # get_speech_timestamps pads with a whole window even when the length divides
            audio = np.pad(audio, (0, WINDOW_SAMPLES - audio.size % WINDOW_SAMPLES))
            usable = audio.size
        rest = audio[usable:]
        self._unread, self._unread_samples = ([rest.copy()] if rest.size else []), rest.size
        finished = []
        windows = audio[:usable].reshape(-1, WINDOW_SAMPLES)
        for first in range(0, len(windows), WINDOWS_PER_CALL):
            for probability in self._probabilities(windows[first:first + WINDOWS_PER_CALL]):
                self._decide(float(probability), self._window_index * WINDOW_SAMPLES)
                self._window_index += 1
            finished += self._release(final=False)
        return finished

    def _probabilities(self, windows):
        contexts = np.concatenate([self._context[None, :], windows[:-1, -CONTEXT_SAMPLES:]], axis=0)
        self._context = windows[-1, -CONTEXT_SAMPLES:].copy()
        inputs = np.concatenate([contexts, windows], axis=1)
        output, self._h, self._c = self._model.session.run(None, {"input": inputs, "h": self._h, "c": self._c})
        return np.asarray(output).reshape(-1)

    # --- decisions -----------------------------------------------------------------------------

    def _decide(self, probability, position):
        if probability >= self._threshold and self._temp_end:
            self._temp_end = 0
            if self._next_start < self._prev_end:
                self._next_start = position
        if probability >= self._threshold and not self._triggered:
            self._triggered = True
            self._current_start = position
            return
        if self._triggered and position - self._current_start > self._max_speech:
            if self._prev_end:  # cut at the last pause long enough
                self._end_region(self._prev_end)
                if self._next_start < self._prev_end:
                    self._triggered = False
                else:
                    self._current_start = self._next_start
                self._prev_end = self._next_start = self._temp_end = 0
            else:  # no pause at all: cut right here
                self._end_region(position)
                self._prev_end = self._next_start = self._temp_end = 0
                self._triggered = False
                return
        if probability < self._neg_threshold and self._triggered:
            if not self._temp_end:
                self._temp_end = position
            if position - self._temp_end > self._min_silence_at_max_speech:
                self._prev_end = self._temp_end
            if position - self._temp_end < self._min_silence:
                return
            if self._temp_end - self._current_start > self._min_speech:
                self._ended.append({"start": self._current_start, "end": self._temp_end})
            self._current_start = None
            self._prev_end = self._next_start = self._temp_end = 0
            self._triggered = False

    def _end_region(self, end):
        self._ended.append({"start": self._current_start, "end": end})
        self._current_start = None

    def _release(self, final):
        """Pad every ended region whose successor has ended too (all of them at the end)."""
        released = []
        while len(self._ended) > 1 or (final and self._ended):
            region = self._ended.pop(0)
            if self._padded_start is None:  # the file's first region
                region["start"] = int(max(0, region["start"] - self._pad))
            else:
                region["start"] = self._padded_start
            if self._ended:
                following = self._ended[0]
                silence = following["start"] - region["end"]
                if silence < 2 * self._pad:
                    region["end"] += int(silence // 2)
                    self._padded_start = int(max(0, following["start"] - silence // 2))
                else:
                    region["end"] = int(min(self.samples_seen, region["end"] + self._pad))
                    self._padded_start = int(max(0, following["start"] - self._pad))
            else:
                region["end"] = int(min(self.samples_seen, region["end"] + self._pad))
            released.append(region)
        return released

"""TranscriptionOptions: what a caller may choose for one transcription, checked up front.

check_prompt() refuses an initial prompt longer than Whisper reads. Its decoder context is 448
tokens and half of it is for the previous text: the prompt marker plus at most 223 tokens.
faster-whisper silently keeps only the prompt's last 223 tokens, and a very long prompt crowds
the decoder until it writes nothing at all, so a job with a longer prompt would quietly run with
a different prompt or produce an empty transcript.
"""
import functools
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from faster_whisper.tokenizer import _LANGUAGE_CODES
from faster_whisper.vad import VadOptions

from appliance.engine.models.catalog import check_model_name
from appliance.engine.errors import InvalidOptionsError, ModelNotAvailableError

TASKS = ("transcribe", "translate")
LANGUAGE_CODES = tuple(_LANGUAGE_CODES)
VAD_PARAMETER_NAMES = tuple(item.name for item in fields(VadOptions))
MAX_BATCH_SIZE = 64
MAX_BEAM_SIZE = 16
# "faster-whisper": its BatchedInferencePipeline, every chunk padded to 30 s (the reference).
# "dynamic": VAD chunks of up to 20 s, each padded to its own length bucket, batched by bucket
# and pipelined (dynamic_batching, dynamic_runner; pooled_scheduler across jobs). Both decode
# Silero VAD's speech with the same model and beam.
PIPELINES = ("faster-whisper", "dynamic")


@dataclass
class TranscriptionOptions:
    """Options of one transcription.

    batched=True runs faster-whisper's BatchedInferencePipeline over VAD chunks (fast; uses
    only the first temperature). batched=False decodes sequentially with the previous text as
    context and the whole temperature fallback ladder (slower, sometimes more consistent).
    beam_size=1 is greedy decoding, the appliance's throughput-first default on CPU.
    pipeline picks the batched implementation (PIPELINES); it does not apply when batched=False.
    """

    model: str = "tiny.en"
    language: str = None  # None: detect (multilingual models) / "en" (English-only models)
    task: str = "transcribe"  # or "translate" (to English)
    batched: bool = True
    batch_size: int = 8
    vad: bool = True
    vad_parameters: dict = None  # Silero VadOptions fields, e.g. {"min_silence_duration_ms": 500}
    beam_size: int = 1
    word_timestamps: bool = False
    initial_prompt: str = None
    hotwords: str = None
    temperature: tuple = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    pipeline: str = "faster-whisper"

    def validate(self):
        try:
            check_model_name(self.model)
        except ModelNotAvailableError as error:
            raise InvalidOptionsError(str(error)) from None
        if self.language == "auto":
            self.language = None
        if self.language is not None and self.language not in LANGUAGE_CODES:
            raise InvalidOptionsError(f"Unknown language code {self.language!r}: use ISO codes like en, de, fr.")
        if self.task not in TASKS:
            raise InvalidOptionsError(f"Unknown task {self.task!r}: use transcribe or translate.")
        if self.pipeline not in PIPELINES:
            raise InvalidOptionsError(f"Unknown pipeline {self.pipeline!r}: use {' or '.join(PIPELINES)}.")
        _check_int("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        _check_int("beam_size", self.beam_size, 1, MAX_BEAM_SIZE)
        unknown = sorted(set(self.vad_parameters or {}) - set(VAD_PARAMETER_NAMES))
        if unknown:
            raise InvalidOptionsError(
                f"Unknown VAD parameter(s) {', '.join(unknown)}: use {', '.join(VAD_PARAMETER_NAMES)}."
            )
        temperatures = self.temperatures
        if not temperatures or any(not 0 <= value <= 1 for value in temperatures):
            raise InvalidOptionsError("Temperatures must be numbers between 0 and 1.")
        return self

    @property
    def temperatures(self):
        if isinstance(self.temperature, (int, float)):
            return [float(self.temperature)]
        return [float(value) for value in self.temperature]

    def to_dict(self):
        values = asdict(self)
        values["temperature"] = list(self.temperatures)
        return values

    @classmethod
    def from_dict(cls, data):
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidOptionsError(f"Unknown transcription option(s): {', '.join(unknown)}.")
        values = dict(data)
        if isinstance(values.get("temperature"), list):
            values["temperature"] = tuple(values["temperature"])
        return cls(**values)


def _check_int(name, value, minimum, maximum):
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidOptionsError(f"{name} must be a whole number from {minimum} to {maximum}, not {value!r}.")


MAX_PROMPT_TOKENS = 223
# No tokenizer needs to see more than this to know the prompt is too long (a token is at least
# one character), which keeps a 100,000-character paste cheap to refuse.
MAX_PROMPT_CHARACTERS = 2000


def check_prompt(prompt, model_directory=None):
    """Raise InvalidOptionsError for a prompt longer than Whisper reads; model_directory (holding
    tokenizer.json) gives the exact count, without it only the character bound is checked."""
    if not prompt:
        return
    if len(prompt) > MAX_PROMPT_CHARACTERS:
        raise InvalidOptionsError(_too_long(f"{len(prompt)} characters"))
    if model_directory is None or not (Path(model_directory) / "tokenizer.json").is_file():
        return
    # faster-whisper encodes the prompt this way (a leading space, stripped text).
    count = len(_tokenizer(str(Path(model_directory) / "tokenizer.json")).encode(" " + prompt.strip(), add_special_tokens=False).ids)
    if count > MAX_PROMPT_TOKENS:
        raise InvalidOptionsError(_too_long(f"{count} tokens"))


def _too_long(size):
    return (
        f"The initial prompt is {size} long; Whisper reads at most {MAX_PROMPT_TOKENS} tokens of it "
        "(roughly 100 to 150 words): shorten it to the names and terms that matter."
    )


@functools.lru_cache(maxsize=8)
def _tokenizer(path):
    import tokenizers

    return tokenizers.Tokenizer.from_file(path)

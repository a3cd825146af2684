"""What a transcription returns; plain data that survives a JSON round trip (Celery, the DB)."""
from dataclasses import asdict, dataclass, field


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float
    speaker: str = None  # "SPEAKER_1"... when the job asked for speakers


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    tokens: list = field(default_factory=list)
    temperature: float = 0.0
    seek: int = 0
    speaker: str = None

    @classmethod
    def from_dict(cls, data):
        values = dict(data)
        values["words"] = [Word(**word) for word in values.get("words") or []]
        return cls(**values)


@dataclass
class Timings:
    decode_seconds: float = 0.0
    model_load_seconds: float = 0.0
    inference_seconds: float = 0.0

    @property
    def total_seconds(self):
        return self.decode_seconds + self.model_load_seconds + self.inference_seconds

    def to_dict(self, duration):
        parts = {
            "decode_seconds": round(self.decode_seconds, 4),
            "model_load_seconds": round(self.model_load_seconds, 4),
            "inference_seconds": round(self.inference_seconds, 4),
        }
        # The total of the rounded parts, so a result read back from its dict gives the same dict.
        total = round(sum(parts.values()), 4)
        return {**parts, "total_seconds": total, "real_time_factor": real_time_factor(total, duration)}


def real_time_factor(seconds, duration):
    """Processing time per second of audio: 0.05 means 20 times faster than real time."""
    return round(seconds / duration, 4) if duration else 0.0


def _without_empty_speakers(segment):
    # A transcript without diarization keeps the shape it always had.
    if segment.get("speaker") is None:
        segment.pop("speaker", None)
    for word in segment.get("words") or []:
        if word.get("speaker") is None:
            word.pop("speaker", None)
    return segment


@dataclass
class TranscriptionResult:
    segments: list
    language: str  # ISO code ("en"); None when nothing was said and no language was given
    language_probability: float
    duration: float  # seconds of audio
    timings: Timings
    model: str
    device: str
    compute_type: str
    task: str = "transcribe"
    # Speaker diarization, when asked for: {"speakers": [...], "turns": [...], "model", "seconds"}
    # or {"warning": "..."} when it failed and the transcript came without speakers.
    diarization: dict = None

    @property
    def text(self):
        return "".join(segment.text for segment in self.segments).strip()

    @property
    def real_time_factor(self):
        return real_time_factor(self.timings.total_seconds, self.duration)

    def to_dict(self):
        return {
            "text": self.text,
            "segments": [_without_empty_speakers(asdict(segment)) for segment in self.segments],
            "language": self.language,
            "language_probability": self.language_probability,
            "duration": self.duration,
            "timings": self.timings.to_dict(self.duration),
            "model": self.model,
            "device": self.device,
            "compute_type": self.compute_type,
            "task": self.task,
            **({"diarization": self.diarization} if self.diarization is not None else {}),
        }

    @classmethod
    def from_dict(cls, data):
        timings = data.get("timings") or {}
        return cls(
            segments=[Segment.from_dict(segment) for segment in data.get("segments") or []],
            language=data.get("language"),
            language_probability=data.get("language_probability", 0.0),
            duration=data.get("duration", 0.0),
            timings=Timings(
                decode_seconds=timings.get("decode_seconds", 0.0),
                model_load_seconds=timings.get("model_load_seconds", 0.0),
                inference_seconds=timings.get("inference_seconds", 0.0),
            ),
            model=data.get("model", ""),
            device=data.get("device", ""),
            compute_type=data.get("compute_type", ""),
            task=data.get("task", "transcribe"),
            diarization=data.get("diarization"),
        )

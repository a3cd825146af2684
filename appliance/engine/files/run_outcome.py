"""What both runners (batched, sequential) hand back to the pipeline."""
from dataclasses import dataclass

from appliance.engine.files.results import Segment, Word


@dataclass
class RunOutcome:
    language: str
    language_probability: float
    segments: list


def convert_segments(whisper_segments, first_id=0):
    """faster-whisper segments -> ours, dropping empty ones (no text means nothing was said)."""
    segments = []
    for whisper_segment in whisper_segments:
        if not whisper_segment.text.strip():
            continue
        words = [
            Word(start=round(word.start, 3), end=round(word.end, 3), word=word.word,
                 probability=round(float(word.probability), 4))
            for word in whisper_segment.words or ()
        ]
        segments.append(Segment(
            id=first_id + len(segments),
            start=round(whisper_segment.start, 3),
            end=round(whisper_segment.end, 3),
            text=whisper_segment.text,
            words=words,
            avg_logprob=round(float(whisper_segment.avg_logprob), 4),
            no_speech_prob=round(float(whisper_segment.no_speech_prob), 4),
            compression_ratio=round(float(whisper_segment.compression_ratio), 4),
            tokens=list(whisper_segment.tokens),
            temperature=float(whisper_segment.temperature or 0.0),
            seek=int(whisper_segment.seek),
        ))
    return segments

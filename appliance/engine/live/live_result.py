"""Turns the committed words of a live session into an ordinary TranscriptionResult, so a saved
live session has the same segments and exports as an uploaded file."""
from appliance.engine.live.local_agreement import Word, join_words
from appliance.engine.files.results import Segment, Timings, TranscriptionResult
from appliance.engine.files.results import Word as ResultWord

# A segment ends at a sentence end, at a pause, or when it grows too long for a subtitle.
PAUSE_SECONDS = 1.0
MAX_SEGMENT_SECONDS = 12.0


def segments_from_words(words: list[Word]) -> list[Segment]:
    groups: list[list[Word]] = []
    for word in words:
        current = groups[-1] if groups else None
        if (
            current is None
            or current[-1].ends_sentence
            or word.start - current[-1].end > PAUSE_SECONDS
            or word.end - current[0].start > MAX_SEGMENT_SECONDS
        ):
            groups.append([word])
        else:
            current.append(word)
    return [
        Segment(
            id=index,
            start=round(group[0].start, 3),
            end=round(group[-1].end, 3),
            text=" " + join_words(group),
            words=[ResultWord(round(w.start, 3), round(w.end, 3), w.text, round(w.probability, 4)) for w in group],
        )
        for index, group in enumerate(groups)
    ]


def live_result(
    words: list[Word],
    *,
    language: str | None,
    duration: float,
    model: str,
    device: str,
    compute_type: str,
    task: str,
    inference_seconds: float,
) -> TranscriptionResult:
    return TranscriptionResult(
        segments=segments_from_words(words),
        language=language,
        language_probability=1.0 if language else 0.0,
        duration=round(duration, 3),
        timings=Timings(inference_seconds=inference_seconds),
        model=model,
        device=device,
        compute_type=compute_type,
        task=task,
    )

"""Speakers onto a transcript: every word gets the speaker it overlaps most, and a segment
whose words change speaker is split at the first word of each new speaker."""
import bisect
from dataclasses import replace


def label_transcript(result, turns, keep_words=True):
    """Give `result` (a TranscriptionResult) speakers from `turns` ([SpeakerTurn]); in place.

    keep_words=False drops the words afterwards (they were only asked for to split segments).
    """
    if not turns:
        return result
    starts = [turn.start for turn in turns]
    segments = []
    for segment in result.segments:
        if segment.words:
            for word in segment.words:
                word.speaker = speaker_for(turns, starts, word.start, word.end)
            segments.extend(_split(segment))
        else:
            segment.speaker = speaker_for(turns, starts, segment.start, segment.end)
            segments.append(segment)
    for number, segment in enumerate(segments):
        segment.id = number
        if not keep_words:
            segment.words = []
    result.segments = segments
    return result


def speaker_for(turns, starts, start, end):
    """The speaker talking longest within [start, end]; the nearest turn when none overlaps."""
    first = max(0, bisect.bisect_right(starts, start) - 1)
    overlaps = {}
    for turn in turns[first:]:
        if turn.start >= end:
            break
        overlap = min(end, turn.end) - max(start, turn.start)
        if overlap > 0:
            overlaps[turn.speaker] = overlaps.get(turn.speaker, 0.0) + overlap
    if overlaps:
        return max(overlaps, key=overlaps.get)
    middle = (start + end) / 2
    return min(turns, key=lambda turn: min(abs(middle - turn.start), abs(middle - turn.end))).speaker


def _split(segment):
    runs = []
    for word in segment.words:
        if runs and runs[-1][-1].speaker == word.speaker:
            runs[-1].append(word)
        else:
            runs.append([word])
    if len(runs) == 1:
        segment.speaker = runs[0][0].speaker
        return [segment]
    # The tokens cannot be divided between the parts: they stay with the first.
    return [
        replace(segment, start=words[0].start if index else segment.start,
                end=words[-1].end if index < len(runs) - 1 else segment.end,
                text="".join(word.word for word in words), words=words, speaker=words[0].speaker,
                tokens=segment.tokens if index == 0 else [])
        for index, words in enumerate(runs)
    ]

"""Speakers in transcript files: the names people gave them, and the turns of a conversation.

A result keeps neutral labels ("SPEAKER_1"); `names` maps a label to the name shown
({"SPEAKER_1": "Dr. Weber"}). A label without a name reads "Speaker 1".
"""
import re
from dataclasses import dataclass

# Characters a WebVTT voice tag cannot hold, and line breaks no format wants in a name.
_UNSAFE = re.compile(r"[<>&\r\n\t]+")


@dataclass
class Turn:
    speaker: str  # the label
    name: str
    start: float
    end: float
    text: str


def display_name(label, names=None):
    name = (names or {}).get(label) if label else None
    if name:
        return " ".join(_UNSAFE.sub(" ", name).split())
    match = re.fullmatch(r"SPEAKER_(\d+)", label or "")
    return f"Speaker {match.group(1)}" if match else (label or "")


def has_speakers(result):
    return any(segment.speaker for segment in result.segments)


def speaker_turns(result, names=None):
    """Consecutive segments of one speaker joined into a turn (segments without text left out)."""
    turns = []
    for segment in result.segments:
        text = segment.text.strip()
        if not text:
            continue
        if turns and turns[-1].speaker == segment.speaker:
            turns[-1].text += " " + text
            turns[-1].end = segment.end
        else:
            turns.append(Turn(segment.speaker, display_name(segment.speaker, names), segment.start, segment.end, text))
    return turns


def speaker_list(result, names=None):
    """[{"id", "name", "seconds"}] in order of first appearance (the JSON exports' "speakers")."""
    seconds = {}
    for segment in result.segments:
        if segment.speaker:
            seconds[segment.speaker] = seconds.get(segment.speaker, 0.0) + max(0.0, segment.end - segment.start)
    return [{"id": label, "name": display_name(label, names), "seconds": round(total, 2)}
            for label, total in seconds.items()]

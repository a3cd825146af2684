"""A clean-up answer turned into edits of the transcript: each `[n] text` line becomes the new text of
segment n and nothing else, so start, end, speaker and segment boundaries stay those the recogniser
gave (the jobs app saves the edits as a revision, rebuilding word times as for a person's edit).

Drift check: a corrected line whose words overlap the original's less than the threshold is not
taken (the model rewrote rather than corrected, or followed text in the audio); it is flagged with
its proposal, and the segment keeps what was heard. Lines the model dropped keep their text too."""
import re
from collections import Counter
from dataclasses import dataclass, field

DEFAULT_MIN_OVERLAP = 0.6
_LINE = re.compile(r"^\s*\[(\d+)\]\s?(.*)$")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class CleanupOutcome:
    edits: list = field(default_factory=list)  # {"id", "text"} of the segments corrected
    flagged: list = field(default_factory=list)  # {"id", "proposal", "overlap"} not taken: drifted
    missing: list = field(default_factory=list)  # ids the answer left out (kept as they were)

    @property
    def accepted(self):
        """Whether this is worth a new revision: something changed and nothing drifted away."""
        return bool(self.edits) and not self.flagged


def _words(text):
    return [word.lower() for word in _WORD.findall(text)]


def word_overlap(original, corrected):
    """Shared words (with repeats) over the longer of the two word lists: 1.0 identical, 0.0 nothing shared.
    Punctuation and case do not count, which is what a clean-up may change."""
    before, after = Counter(_words(original)), Counter(_words(corrected))
    longest = max(sum(before.values()), sum(after.values()))
    return 1.0 if longest == 0 else sum((before & after).values()) / longest


def numbered_answer(text):
    """{n: text} of the `[n] text` lines in a model's answer (other lines ignored; the first of a repeated n wins)."""
    lines = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and int(match.group(1)) not in lines:
            lines[int(match.group(1))] = match.group(2).strip()
    return lines


def cleanup_outcome(segments, answer_text, min_overlap=DEFAULT_MIN_OVERLAP):
    """The CleanupOutcome of a model's answer to cleanup_messages(segments)."""
    answer = numbered_answer(answer_text)
    outcome = CleanupOutcome()
    for segment in segments:
        original = segment.get("text", "")
        proposal = answer.get(segment["id"])
        if proposal is None:
            outcome.missing.append(segment["id"])
            continue
        overlap = word_overlap(original, proposal)
        if overlap < min_overlap:
            outcome.flagged.append({"id": segment["id"], "proposal": proposal, "overlap": round(overlap, 3)})
            continue
        # Whisper's segments start with a space; kept, so the joined text reads as before.
        corrected = (" " if original.startswith(" ") else "") + proposal
        if corrected != original:
            outcome.edits.append({"id": segment["id"], "text": corrected})
    return outcome

"""How many leading words of a new live hypothesis are committed words heard again.

Whisper transcribes the whole buffer at every step, and the buffer may still hold audio whose
words were committed already (the unfinished sentence: the buffer is trimmed at sentence ends).
Word times cannot tell those words apart from new ones: re-transcribed, a word may come out
with a start well past the committed end, and a whole committed sentence then came back as new
text. So the hypothesis is aligned by its text against the committed words still in the buffer,
whatever their number, and the matched prefix is dropped; time only decides between alignments
that the text finds equally good.

The prompt (committed text before the buffer) can also make Whisper say its last words again
although their audio is gone: an exact repeat of at least MIN_ECHO_WORDS of them at the start
of a hypothesis is dropped as well."""
from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.engine.accuracy import prefix_edit_distances

if TYPE_CHECKING:  # local_agreement imports this module
    from appliance.engine.live.local_agreement import Word

MIN_ECHO_WORDS = 3
# One edit of the text weighs as much as this many seconds between the end of the dropped
# words and the committed end (only alignments of equal text cost are told apart by time).
EDIT_SECONDS = 1.0


def committed_overlap(hypothesis: list[Word], committed: list[Word], buffer_start: float, committed_end: float) -> int:
    """The number of leading `hypothesis` words that repeat committed words. `committed` are
    the most recent committed words (absolute times); those ending after `buffer_start` have
    their audio in the window the hypothesis was made from."""
    before_buffer = [word for word in committed if not heard_in_buffer(word, buffer_start)]
    in_buffer = committed[len(before_buffer) :]
    echo = _echo_length(hypothesis, before_buffer)
    return echo + _aligned_length(hypothesis[echo:], in_buffer, committed_end)


def heard_in_buffer(word: Word, buffer_start: float) -> bool:
    """Whether a committed word's audio is (partly) in a buffer starting at `buffer_start`; a
    word aligned to zero length right at the start counts as inside."""
    return word.end > buffer_start or word.start >= buffer_start


def _echo_length(hypothesis, before_buffer) -> int:
    keys = [word.key for word in hypothesis]
    previous = [word.key for word in before_buffer]
    for size in range(min(len(keys), len(previous)), MIN_ECHO_WORDS - 1, -1):
        if keys[:size] == previous[-size:]:
            return size
    return 0


def _aligned_length(hypothesis, in_buffer, committed_end) -> int:
    """The hypothesis prefix whose text is closest to the committed words in the buffer
    (edit distance: every committed word must be accounted for, as a match, a changed word or a
    missing one), ties broken by how well the prefix's end meets the committed end."""
    if not in_buffer or not hypothesis:
        return 0
    # distances[j]: edits between all committed words and the first j hypothesis words.
    distances = prefix_edit_distances([word.key for word in in_buffer], [word.key for word in hypothesis])
    costs = [distance + _time_cost(hypothesis, size, committed_end) / EDIT_SECONDS for size, distance in enumerate(distances)]
    return min(range(len(costs)), key=costs.__getitem__)


def _time_cost(hypothesis, size, committed_end) -> float:
    """Seconds by which dropping `size` words disagrees with the committed end: dropped words
    that end after it, kept words that start before it."""
    cost = 0.0
    if size > 0:
        cost += max(0.0, hypothesis[size - 1].end - committed_end)
    if size < len(hypothesis):
        cost += max(0.0, committed_end - hypothesis[size].start)
    return cost

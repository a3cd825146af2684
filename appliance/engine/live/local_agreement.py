"""The LocalAgreement-2 commit policy of live transcription (as in whisper_streaming).

Whisper re-transcribes the whole buffer at every step, and the last words of a hypothesis change
as more audio arrives. A word is committed once two consecutive hypotheses agree on it (and on
every word before it); what is not yet agreed stays "unstable" and is shown as partial text."""
import re
from dataclasses import dataclass

# Words that start this long before the last committed end belong to audio already committed.
START_TOLERANCE_SECONDS = 0.1
# The buffer start is re-transcribed, so a hypothesis may begin with the last committed words
# again; look for such a repeat of up to this many words near the committed end.
MAX_REPEATED_WORDS = 5
REPEAT_WINDOW_SECONDS = 1.0

_NOT_WORD_CHARACTERS = re.compile(r"[^\w']+")
_SENTENCE_END = re.compile(r"[.?!…][\"')\]]*$")


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str  # as Whisper writes it, usually with a leading space: " dog."
    probability: float = 1.0

    @property
    def key(self) -> str:
        """The word as compared between hypotheses: case and punctuation often flip at the end
        of a hypothesis (" dog." then " dog,") without the word itself changing."""
        return _NOT_WORD_CHARACTERS.sub("", self.text.lower())

    @property
    def ends_sentence(self) -> bool:
        return bool(_SENTENCE_END.search(self.text.strip()))

    def shifted(self, seconds: float) -> "Word":
        return Word(self.start + seconds, self.end + seconds, self.text, self.probability)


def join_words(words) -> str:
    return "".join(word.text for word in words).strip()


class LocalAgreement:
    def __init__(self):
        self.committed_end = 0.0
        self._recent_committed: list[Word] = []
        self._unstable: list[Word] = []

    @property
    def unstable(self) -> list[Word]:
        return list(self._unstable)

    def update(self, hypothesis: list[Word]) -> list[Word]:
        """Takes a new hypothesis (absolute times) and returns the words it commits."""
        new = [word for word in hypothesis if word.start > self.committed_end - START_TOLERANCE_SECONDS]
        new = [word for word in new if word.key]
        new = self._without_repeated_head(new)
        agreed = 0
        while (
            agreed < len(new)
            and agreed < len(self._unstable)
            and new[agreed].key == self._unstable[agreed].key
        ):
            agreed += 1
        # The newer hypothesis saw more audio: its spelling and timing of an agreed word win.
        committed = new[:agreed]
        self._unstable = new[agreed:]
        self._remember(committed)
        return committed

    def commit_all(self) -> list[Word]:
        """Commits every unstable word: the audio behind them is complete (end of an utterance,
        end of the stream) or the buffer must make room."""
        return self.commit_until(float("inf"))

    def commit_until(self, seconds: float) -> list[Word]:
        committed = [word for word in self._unstable if word.end <= seconds]
        self._unstable = self._unstable[len(committed) :]
        self._remember(committed)
        return committed

    def commit_final(self, hypothesis: list[Word]) -> list[Word]:
        """Commits a hypothesis over complete audio without waiting for a second opinion."""
        self._unstable = []
        self.update(hypothesis)
        return self.commit_all()

    def _remember(self, committed: list[Word]) -> None:
        if committed:
            self.committed_end = max(self.committed_end, committed[-1].end)
            self._recent_committed = (self._recent_committed + committed)[-MAX_REPEATED_WORDS:]

    def _without_repeated_head(self, new: list[Word]) -> list[Word]:
        if not new or not self._recent_committed:
            return new
        if abs(new[0].start - self.committed_end) >= REPEAT_WINDOW_SECONDS:
            return new
        longest = min(len(new), len(self._recent_committed))
        for size in range(longest, 0, -1):
            tail = [word.key for word in self._recent_committed[-size:]]
            head = [word.key for word in new[:size]]
            if tail == head:
                return new[size:]
        return new

"""The LocalAgreement-2 commit policy of live transcription (as in whisper_streaming).

Whisper re-transcribes the whole buffer at every step, and the last words of a hypothesis change
as more audio arrives. A word is committed once two consecutive hypotheses agree on it (and on
every word before it); what is not yet agreed stays "unstable" and is shown as partial text."""
import re
from dataclasses import dataclass

from appliance.engine.live.committed_overlap import committed_overlap

# A word that ends this long before the committed end lies in audio already committed, whatever
# the text alignment says (committed_overlap): the same audio is never committed twice.
COMMITTED_AUDIO_TOLERANCE_SECONDS = 0.25
# Committed words remembered for the alignment: more than a full buffer (28 s) of fast speech.
RECENT_COMMITTED_WORDS = 160

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

    def not_before(self, seconds: float) -> "Word":
        if self.start >= seconds:
            return self
        return Word(seconds, max(self.end, seconds), self.text, self.probability)


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

    def update(self, hypothesis: list[Word], buffer_start: float = 0.0) -> list[Word]:
        """Takes a new hypothesis (absolute times) of the audio from `buffer_start` on and
        returns the words it commits."""
        new = self._new_words(hypothesis, buffer_start)
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

    def commit_final(self, hypothesis: list[Word], buffer_start: float = 0.0) -> list[Word]:
        """Commits a hypothesis over complete audio without waiting for a second opinion."""
        self._unstable = []
        self.update(hypothesis, buffer_start)
        return self.commit_all()

    def _new_words(self, hypothesis: list[Word], buffer_start: float) -> list[Word]:
        """The hypothesis without what was committed already, with times that start no earlier
        than the committed end (so committed times only grow)."""
        words = [word for word in hypothesis if word.key]
        words = words[committed_overlap(words, self._recent_committed, buffer_start, self.committed_end) :]
        limit = self.committed_end - COMMITTED_AUDIO_TOLERANCE_SECONDS
        while words and words[0].end <= limit:
            words = words[1:]
        return [word.not_before(self.committed_end) for word in words]

    def _remember(self, committed: list[Word]) -> None:
        if committed:
            self.committed_end = max(self.committed_end, committed[-1].end)
            self._recent_committed = (self._recent_committed + committed)[-RECENT_COMMITTED_WORDS:]

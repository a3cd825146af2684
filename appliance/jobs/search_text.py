"""Text for transcript search, the same for every database: folding, the query language, highlights.

Folding happens here, in Python, before text reaches the index and before a query does, so that
"Muller", "müller" and "MÜLLER" (or "garcon" and "garçon", "senor" and "señor", "Strasse" and
"Straße") meet on SQLite and PostgreSQL alike, without a database extension.

Queries: words (all must occur in one segment), "quoted phrases" (the words next to each other),
and a * after a word or phrase for a prefix ("transcri*").
"""
import re
import unicodedata
from dataclasses import dataclass

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o",
                                  "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"})  # fmt: skip
# A word as both databases' tokenizers see one: letters and digits (no underscore).
WORD = re.compile(r"[^\W_]+")
_QUERY_PART = re.compile(r'"([^"]*)"?(\*?)|(\S+)')
MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MIN_PREFIX_CHARS = 3


class InvalidQuery(ValueError):
    """The query cannot be searched; the message says why."""


@dataclass(frozen=True)
class Term:
    """One word or a phrase of several; with prefix, its last word may be the start of a longer one."""

    words: tuple
    prefix: bool = False

    def matches(self, tokens):
        """Whether tokens (folded words) are this term, word by word."""
        if len(tokens) != len(self.words):
            return False
        *exact, last = self.words
        head_ok = all(token == word for token, word in zip(tokens, exact))
        return head_ok and (tokens[-1].startswith(last) if self.prefix else tokens[-1] == last)


def without_diacritics(text):
    """What the index stores: the text without diacritics (both databases' tokenizers fold case)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def folded(text):
    """Lower case, without diacritics: what queries are made of and highlights compare."""
    return without_diacritics(text).casefold()


def parse_query(query):
    """The terms of a query string; raises InvalidQuery for an empty or unusable one."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"The search is too long: at most {MAX_QUERY_CHARS} characters.")
    terms = []
    for phrase, phrase_star, bare in _QUERY_PART.findall(query):
        text = phrase if not bare else bare
        prefix = bool(phrase_star) or (bool(bare) and bare.endswith("*"))
        words = tuple(WORD.findall(folded(text)))
        if not words:
            continue
        if prefix and len(words[-1]) < MIN_PREFIX_CHARS:
            raise InvalidQuery(f"Put at least {MIN_PREFIX_CHARS} letters before a *.")
        terms.append(Term(words, prefix))
    if not terms:
        raise InvalidQuery("Type a word to search for.")
    if len(terms) > MAX_TERMS:
        raise InvalidQuery(f"The search has too many words: at most {MAX_TERMS}.")
    return terms


def highlight_ranges(text, terms):
    """(start, end) character ranges of `text` where a term occurs, in order, not overlapping."""
    tokens = [(match.start(), match.end(), folded(match.group())) for match in WORD.finditer(text)]
    folded_words = [token for _, _, token in tokens]
    ranges = []
    for term in terms:
        size = len(term.words)
        for index in range(len(tokens) - size + 1):
            if term.matches(folded_words[index:index + size]):
                ranges.append((tokens[index][0], tokens[index + size - 1][1]))
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged

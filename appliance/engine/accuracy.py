"""Word error rate with a small text normaliser, to judge transcripts against known text.

The normaliser removes what a listener would not count as an error: case, punctuation,
hyphens and apostrophes, and (for English) digits versus number words ("5" = "five").
"""
import re
import unicodedata

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def english_number(number):
    """0 <= number < 1,000,000 in words, the way a speaker reads it ("one hundred five")."""
    if number < 20:
        return ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return TENS[tens] + ("" if ones == 0 else " " + ONES[ones])
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + english_number(rest))
    thousands, rest = divmod(number, 1000)
    return english_number(thousands) + " thousand" + ("" if rest == 0 else " " + english_number(rest))


def normalize_text(text, language="en"):
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("'", "").replace("’", "")
    text = re.sub(r"[-–—/]", " ", text)
    if language == "en":
        text = re.sub(r"\d+", lambda match: _spoken(match.group()), text)
    text = "".join(char if char.isalnum() or char.isspace() else " " for char in text)
    return " ".join(text.split())


def _spoken(digits):
    number = int(digits)
    return english_number(number) if number < 1_000_000 else digits


def word_error_rate(reference, hypothesis, language="en"):
    """(substitutions + deletions + insertions) / reference words, after normalising both."""
    reference_words = normalize_text(reference, language).split()
    hypothesis_words = normalize_text(hypothesis, language).split()
    if not reference_words:
        return 0.0 if not hypothesis_words else 1.0
    return prefix_edit_distances(reference_words, hypothesis_words)[-1] / len(reference_words)


def prefix_edit_distances(reference, hypothesis):
    """Edits (substitutions, deletions, insertions) between all of `reference` and each prefix
    of `hypothesis` (lists of words): element j is the distance to hypothesis[:j]."""
    previous = list(range(len(hypothesis) + 1))
    for row, reference_word in enumerate(reference, start=1):
        current = [row]
        for column, hypothesis_word in enumerate(hypothesis, start=1):
            current.append(min(
                previous[column] + 1,
                current[column - 1] + 1,
                previous[column - 1] + (reference_word != hypothesis_word),
            ))
        previous = current
    return previous

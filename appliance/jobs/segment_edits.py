"""A person's correction of one segment, applied to the segment's dictionary in a job's result.

Only the text (and the speaker, where the transcript has speakers) changes; the segment keeps its
start and end. Its words are rebuilt from the new text so that SRT/VTT cues, which are cut at word
times, stay inside the segment and run forward: words the person left alone keep Whisper's times,
and the new words share the time between their untouched neighbours by their length.
"""
from difflib import SequenceMatcher

# A word a person typed or confirmed is as sure as it gets: it is never shown as doubtful.
CONFIRMED_PROBABILITY = 1.0


class InvalidEdit(ValueError):
    """The edit cannot be applied; the message says why, in words a user understands."""


def edited_segment(segment, text=None, speaker=None, set_speaker=False):
    """A copy of `segment` with the new text and/or speaker; `segment` itself is left alone."""
    updated = dict(segment)
    if set_speaker:
        updated["speaker"] = speaker
        if updated.get("words"):
            updated["words"] = [{**word, "speaker": speaker} if "speaker" in word else word for word in updated["words"]]
    if text is not None and _normalised(text) != _normalised(segment.get("text", "")):
        updated["text"] = _leading_space(text)
        # Whisper's tokens describe the old text; verbose_json must not pair them with the new one.
        updated["tokens"] = []
        if segment.get("words"):
            updated["words"] = redistributed_words(updated, segment["words"], text)
    return updated


def _normalised(text):
    return " ".join(text.split())


def _leading_space(text):
    # Whisper's segments start with a space; exports strip it and the TXT joins lines, so keep the shape.
    text = _normalised(text)
    return f" {text}" if text else ""


def redistributed_words(segment, old_words, new_text):
    """Word dictionaries for new_text inside [segment start, segment end], monotonic and non-overlapping."""
    new_texts = new_text.split()
    if not new_texts:
        return []
    start, end = float(segment["start"]), float(segment["end"])
    old_texts = [word["word"].strip() for word in old_words]
    extra = {"speaker": segment.get("speaker")} if any("speaker" in word for word in old_words) else {}
    placed = [None] * len(new_texts)
    matcher = SequenceMatcher(a=[text.casefold() for text in old_texts], b=[text.casefold() for text in new_texts], autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            old = old_words[block.a + offset]
            placed[block.b + offset] = {**old, "word": f" {new_texts[block.b + offset]}"}
    words, index = [], 0
    while index < len(new_texts):
        if placed[index] is not None:
            words.append(placed[index])
            index += 1
            continue
        run_end = index
        while run_end < len(new_texts) and placed[run_end] is None:
            run_end += 1
        span_start = words[-1]["end"] if words else start
        span_end = placed[run_end]["start"] if run_end < len(new_texts) else end
        words += _shared_by_length(new_texts[index:run_end], span_start, max(span_start, span_end), extra)
        index = run_end
    return _clamped(words, start, end)


def _shared_by_length(texts, span_start, span_end, extra):
    total = sum(len(text) for text in texts)
    words, done = [], 0
    for text in texts:
        word_start = span_start + (span_end - span_start) * done / total
        done += len(text)
        word_end = span_start + (span_end - span_start) * done / total
        words.append({"start": round(word_start, 3), "end": round(word_end, 3), "word": f" {text}",
                      "probability": CONFIRMED_PROBABILITY, **extra})  # fmt: skip
    return words


def _clamped(words, start, end):
    """Inside the segment and running forward, whatever Whisper's kept times were."""
    previous_end = start
    for word in words:
        word["start"] = round(min(max(word["start"], previous_end), end), 3)
        word["end"] = round(min(max(word["end"], word["start"]), end), 3)
        previous_end = word["end"]
    return words

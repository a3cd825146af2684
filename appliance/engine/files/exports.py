"""Transcript files: TXT, SRT, VTT, TSV, JSON (OpenAI verbose_json shape) and DOCX.

With speakers (segments carrying `speaker`), TXT has "Name: text" turns, SRT cues start with
"Name: ", VTT cues with a `<v Name>` voice tag, TSV has a speaker column and JSON speaker fields.

Times are converted to whole milliseconds once and formatted from integers, so a segment
ending at 59.9995 s reads 00:01:00,000 and never 00:00:59,1000.
"""
import json
import re
from dataclasses import dataclass

from appliance.engine.errors import InvalidOptionsError
from appliance.engine.files.speaker_labels import display_name, has_speakers, speaker_list, speaker_turns
from appliance.engine.languages import language_name

EXPORT_FORMATS = ("txt", "srt", "vtt", "tsv", "json", "docx")
CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Netflix-style subtitle limits: 42 characters a line, 2 lines, 7 seconds on screen.
MAX_LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_SECONDS = 7.0


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    lines: list
    speaker: str = None


def export_result(result, fmt, max_line_chars=MAX_LINE_CHARS, max_lines=MAX_LINES, max_cue_seconds=MAX_CUE_SECONDS,
                  speaker_names=None):
    """The transcript as the text of a file in format `fmt` (one of EXPORT_FORMATS; bytes for docx).

    speaker_names: {"SPEAKER_1": "Dr. Weber", ...}, the names to show for the speaker labels."""
    speakers = has_speakers(result)
    if fmt == "txt":
        if speakers:
            return "\n".join(f"{turn.name}: {turn.text}\n" for turn in speaker_turns(result, speaker_names))
        return "".join(segment.text.strip() + "\n" for segment in result.segments if segment.text.strip())
    if fmt == "tsv":
        rows = ["start\tend\tspeaker\ttext" if speakers else "start\tend\ttext"]
        rows += [
            f"{to_ms(segment.start)}\t{to_ms(segment.end)}\t"
            + (f"{display_name(segment.speaker, speaker_names)}\t" if speakers else "")
            + _one_line(segment.text)
            for segment in result.segments if segment.text.strip()
        ]
        return "\n".join(rows) + "\n"
    if fmt == "json":
        return json.dumps(verbose_json(result, speaker_names), ensure_ascii=False) + "\n"
    if fmt == "docx":
        from appliance.engine.files.docx_export import export_docx

        return export_docx(result, speaker_names)
    if fmt in ("srt", "vtt"):
        cues = subtitle_cues(result, max_line_chars, max_lines, max_cue_seconds)
        if fmt == "srt":
            return "".join(
                f"{number}\n{format_timestamp(cue.start_ms, ',')} --> {format_timestamp(cue.end_ms, ',')}\n"
                + "\n".join(_named(cue, speaker_names, "{name}: ")) + "\n\n"
                for number, cue in enumerate(cues, start=1)
            )
        return "WEBVTT\n\n" + "".join(
            f"{format_timestamp(cue.start_ms, '.')} --> {format_timestamp(cue.end_ms, '.')}\n"
            + "\n".join(_named(cue, speaker_names, "<v {name}>")) + "\n\n"
            for cue in cues
        )
    raise InvalidOptionsError(f"Unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}.")


def to_ms(seconds):
    return max(0, int(round(seconds * 1000)))


def format_timestamp(milliseconds, decimal_marker):
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, milliseconds = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_marker}{milliseconds:03d}"


def _named(cue, speaker_names, pattern):
    if not cue.speaker:
        return cue.lines
    return [pattern.format(name=display_name(cue.speaker, speaker_names)) + cue.lines[0], *cue.lines[1:]]


def verbose_json(result, speaker_names=None):
    """The dictionary OpenAI's /v1/audio/transcriptions returns for response_format=verbose_json,
    with `speaker` (label) and `speaker_name` on segments and words when the result has speakers."""
    document = {
        "task": result.task,
        "language": language_name(result.language),
        "duration": round(result.duration, 3),
        "text": result.text,
        "segments": [
            {
                "id": segment.id,
                "seek": segment.seek,
                "start": _seconds(segment.start),
                "end": _seconds(segment.end),
                "text": segment.text,
                "tokens": list(segment.tokens),
                "temperature": segment.temperature,
                "avg_logprob": segment.avg_logprob,
                "compression_ratio": segment.compression_ratio,
                "no_speech_prob": segment.no_speech_prob,
                **_speaker_fields(segment.speaker, speaker_names),
            }
            for segment in result.segments
        ],
    }
    words = [word for segment in result.segments for word in segment.words]
    if words:
        document["words"] = [
            {"word": word.word.strip(), "start": _seconds(word.start), "end": _seconds(word.end),
             **_speaker_fields(word.speaker, speaker_names)}
            for word in words
        ]
    if has_speakers(result):
        document["speakers"] = speaker_list(result, speaker_names)
    return document


def _speaker_fields(label, speaker_names):
    return {"speaker": label, "speaker_name": display_name(label, speaker_names)} if label else {}


def _seconds(value):
    return to_ms(value) / 1000


def _one_line(text):
    return re.sub(r"\s+", " ", text).strip()


def subtitle_cues(result, max_line_chars=MAX_LINE_CHARS, max_lines=MAX_LINES, max_cue_seconds=MAX_CUE_SECONDS):
    """Cut segments into cues of at most `max_lines` lines of `max_line_chars` and `max_cue_seconds`."""
    cues = []
    for segment in result.segments:
        words = _timed_words(segment)
        current = []
        for word in words:
            candidate = current + [word]
            too_long = candidate[-1][1] - candidate[0][0] > max_cue_seconds * 1000
            if current and (too_long or len(_fill([text for _, _, text in candidate], max_line_chars)) > max_lines):
                cues.append(_cue(current, max_line_chars, segment.speaker))
                current = [word]
            else:
                current = candidate
        if current:
            cues.append(_cue(current, max_line_chars, segment.speaker))
    return monotonic_cues(cues, max_line_chars)


def monotonic_cues(cues, max_line_chars=MAX_LINE_CHARS):
    """Cues in start order, each ending no later than the next one starts: players stack or drop
    overlapping cues, and segments of separately decoded chunks (or words Whisper timed a little
    late) can overlap by some milliseconds. A cue left with no time of its own (the same start as
    the next) joins the next one, so no word is lost."""
    ordered = sorted(cues, key=lambda cue: cue.start_ms)
    kept = []
    for index, cue in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None:
            cue.end_ms = min(cue.end_ms, following.start_ms)
            if cue.end_ms <= cue.start_ms:
                following.lines = wrap_words(" ".join(cue.lines + following.lines).split(), max_line_chars)
                continue
        kept.append(cue)
    return kept


def _cue(words, max_line_chars, speaker=None):
    return Cue(words[0][0], max(words[0][0], words[-1][1]), wrap_words([text for _, _, text in words], max_line_chars),
               speaker)


def wrap_words(words, max_line_chars):
    """As few lines as greedy filling needs, balanced: the longest line as short as possible."""
    needed = len(_fill(words, max_line_chars))
    narrowest = max((len(word) for word in words), default=0)
    for width in range(narrowest, max_line_chars + 1):
        lines = _fill(words, width)
        if len(lines) <= needed:
            return lines
    return _fill(words, max_line_chars)


def _fill(words, width):
    """Greedy line filling; a word longer than a line gets a line of its own."""
    lines = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _timed_words(segment):
    """(start_ms, end_ms, text) per word: Whisper's word times, or times shared by length."""
    if segment.words:
        timed = [(to_ms(word.start), to_ms(word.end), word.word.strip()) for word in segment.words]
        return [item for item in timed if item[2]]
    texts = segment.text.split()
    start, end = to_ms(segment.start), to_ms(segment.end)
    total_chars = sum(len(text) for text in texts)
    timed, done_chars = [], 0
    for text in texts:
        word_start = start + (end - start) * done_chars // total_chars
        done_chars += len(text)
        timed.append((word_start, start + (end - start) * done_chars // total_chars, text))
    return timed

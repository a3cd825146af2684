"""DOCX transcripts (python-docx): a title, then one paragraph per turn, each opening with the
time it starts and, when the job has speakers, the speaker's name in bold."""
import io

from appliance.engine.files.speaker_labels import has_speakers, speaker_turns


def _clock(seconds):
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def export_docx(result, speaker_names=None, title="Transcript"):
    """The transcript as the bytes of a .docx file."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    speakers = has_speakers(result)
    for turn in speaker_turns(result, speaker_names):
        paragraph = document.add_paragraph()
        stamp = paragraph.add_run(f"[{_clock(turn.start)}] ")
        stamp.font.size = Pt(9)
        stamp.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        if speakers and turn.name:
            paragraph.add_run(f"{turn.name}: ").bold = True
        paragraph.add_run(turn.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

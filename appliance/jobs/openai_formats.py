"""A finished job's transcript in the shape OpenAI's audio endpoints answer with."""
import math

from django.http import HttpResponse, JsonResponse

from appliance.engine.files.exports import CONTENT_TYPES, export_result, verbose_json
from appliance.engine.files.speaker_labels import display_name
from appliance.engine.files.results import TranscriptionResult

MODEL_OWNER = "whisper-appliance"


def usage(result):
    # OpenAI bills audio by the second, rounded up, and reports it the same way.
    return {"type": "duration", "seconds": math.ceil(result.duration or 0)}


def diarized_json(result, speaker_names=None):
    """OpenAI's diarized_json: the text, and segments of one speaker each."""
    return {
        "task": result.task,
        "duration": round(result.duration, 3),
        "text": result.text,
        "segments": [
            {"type": "transcript.text.segment", "id": f"seg_{segment.id}", "start": round(segment.start, 3),
             "end": round(segment.end, 3), "text": segment.text.strip(),
             "speaker": display_name(segment.speaker, speaker_names) if segment.speaker else None}
            for segment in result.segments if segment.text.strip()
        ],
    }


def transcript_response(job, response_format):
    result = TranscriptionResult.from_dict(job.result)
    names = job.speaker_names
    if response_format == "json":
        response = JsonResponse({"text": result.text, "usage": usage(result)})
    elif response_format in ("verbose_json", "diarized_json"):
        document = verbose_json(result, names) if response_format == "verbose_json" else diarized_json(result, names)
        document["usage"] = usage(result)
        warning = (result.diarization or {}).get("warning")
        if warning:
            document["warning"] = warning
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    elif response_format == "text":
        response = HttpResponse(result.text + "\n", content_type=CONTENT_TYPES["txt"])
    else:
        response = HttpResponse(export_result(result, response_format, speaker_names=names),
                                content_type=CONTENT_TYPES[response_format])
    response["X-Job-Id"] = str(job.public_id)
    return response


def model_entry(name, multilingual, alias_of=None):
    """OpenAI's model object; `created` is unknown for a model directory, hence 0."""
    entry = {"id": name, "object": "model", "created": 0, "owned_by": MODEL_OWNER, "multilingual": multilingual}
    if alias_of:
        entry["alias_of"] = alias_of
    return entry

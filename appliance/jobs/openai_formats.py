"""A finished job's transcript in the shape OpenAI's audio endpoints answer with."""
import math

from django.http import HttpResponse, JsonResponse

from appliance.engine.files.exports import CONTENT_TYPES, export_result, verbose_json
from appliance.engine.files.results import TranscriptionResult

MODEL_OWNER = "whisper-appliance"


def usage(result):
    # OpenAI bills audio by the second, rounded up, and reports it the same way.
    return {"type": "duration", "seconds": math.ceil(result.duration or 0)}


def transcript_response(job, response_format):
    result = TranscriptionResult.from_dict(job.result)
    if response_format == "json":
        response = JsonResponse({"text": result.text, "usage": usage(result)})
    elif response_format == "verbose_json":
        document = verbose_json(result)
        document["usage"] = usage(result)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    elif response_format == "text":
        response = HttpResponse(result.text + "\n", content_type=CONTENT_TYPES["txt"])
    else:
        response = HttpResponse(export_result(result, response_format), content_type=CONTENT_TYPES[response_format])
    response["X-Job-Id"] = str(job.public_id)
    return response


def model_entry(name, multilingual, alias_of=None):
    """OpenAI's model object; `created` is unknown for a model directory, hence 0."""
    entry = {"id": name, "object": "model", "created": 0, "owned_by": MODEL_OWNER, "multilingual": multilingual}
    if alias_of:
        entry["alias_of"] = alias_of
    return entry

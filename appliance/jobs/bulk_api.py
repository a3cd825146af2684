"""POST /api/jobs/bulk/download/ and /api/jobs/bulk/delete/: several jobs at once.

Body: JSON {"ids": [...], "formats": ["txt", "srt"]} or a form with repeated ids (and formats)."""
import json

from django.http import FileResponse, JsonResponse
from django.views.decorators.http import require_POST

from appliance.jobs import bulk
from appliance.jobs.api import error

DEFAULT_FORMATS = ["txt"]


def bulk_request(request):
    """(ids, formats) from a JSON or form body; raises BulkRefused."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise bulk.BulkRefused("The body is not JSON: send {\"ids\": [...]}.") from None
        ids, formats = body.get("ids"), body.get("formats", DEFAULT_FORMATS)
        if not isinstance(ids, list) or not isinstance(formats, list):
            raise bulk.BulkRefused("Send {\"ids\": [job ids], \"formats\": [\"txt\", …]}.")
        return ids, formats
    return request.POST.getlist("ids"), request.POST.getlist("formats") or DEFAULT_FORMATS


def zip_response(jobs, formats):
    archive = bulk.transcripts_zip(jobs, formats)
    return FileResponse(archive, as_attachment=True, filename="transcripts.zip", content_type="application/zip")


@require_POST
def bulk_download(request):
    try:
        ids, formats = bulk_request(request)
        jobs, unknown = bulk.selected_jobs(request.user, ids)
        if unknown:
            return error(f"No such job: {', '.join(unknown)}.", status=404)
        return zip_response(jobs, formats)
    except bulk.BulkRefused as problem:
        return error(str(problem))


@require_POST
def bulk_delete(request):
    try:
        ids, _ = bulk_request(request)
        jobs, unknown = bulk.selected_jobs(request.user, ids)
    except bulk.BulkRefused as problem:
        return error(str(problem))
    return JsonResponse({"deleted": bulk.delete_jobs(jobs), "not_found": unknown})

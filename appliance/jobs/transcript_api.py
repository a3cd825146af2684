"""JSON endpoints for a job's transcript under /api/jobs/<id>/transcript/: read the current segments,
correct some of them (optimistic lock), list, read and restore revisions. Thin: decode, call
appliance.jobs.revisions, serialise."""
import json
import time

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appliance.accounts.permissions import visible_jobs
from appliance.jobs import revisions
from appliance.jobs.api import error, visible_job
from appliance.jobs.models import Transcription, TranscriptRevision

MAX_SEGMENT_CHARS = 5000
EDITABLE_FIELDS = {"id", "text", "speaker"}


def revision_summary(revision):
    changes = revision.changes or []
    return {
        "number": revision.number,
        "kind": revision.kind,
        "author": revision.author.get_username() if revision.author_id else None,
        "created_at": revision.created_at.isoformat(),
        "restored_from": revision.restored_from,
        "changed_segment_ids": [segment["id"] for segment in changes],
    }


def segment_view(segment):
    view = {"id": segment["id"], "start": segment["start"], "end": segment["end"], "text": segment["text"].strip()}
    if "speaker" in segment:
        view["speaker"] = segment["speaker"]
    # Without word times, the segment's mean token log-probability is the only hint of doubt.
    view["avg_logprob"] = segment.get("avg_logprob")
    view["words"] = [
        {"start": word["start"], "end": word["end"], "word": word["word"].strip(), "probability": word["probability"]}
        for word in segment.get("words") or ()
    ]
    return view


def transcript_document(job, revision, segments):
    return {
        "job": str(job.public_id),
        "revision": revision_summary(revision),
        "language": job.detected_language or job.language or None,
        "segments": [segment_view(segment) for segment in segments],
    }


@require_http_methods(["GET", "PATCH"])
def transcript(request, public_id):
    if request.method == "PATCH":
        # The save reads the result under its lock; reading it here too would parse it twice.
        jobs = visible_jobs(request.user, Transcription.objects.defer("result"))
        return _save_edit(request, get_object_or_404(jobs, public_id=public_id))
    job = visible_job(request, public_id)
    try:
        revision = revisions.current_revision(job)
    except revisions.TranscriptNotReady as problem:
        return error(str(problem), status=409)
    response = JsonResponse(transcript_document(job, revision, job.transcript["segments"]))
    response["ETag"] = f'"{revision.number}"'
    return response


def _save_edit(request, job):
    started = time.perf_counter()
    try:
        base, edits = _parse_edit(request)
        revision, changed = revisions.save_edit(job, request.user, base, edits)
    except revisions.StaleRevision as stale:
        job.refresh_from_db()
        document = transcript_document(job, stale.current, job.result["segments"])
        return JsonResponse({"error": str(stale), "revision": document["revision"], "transcript": document}, status=409)
    except (ValueError, revisions.InvalidEdit) as problem:
        return error(str(problem))
    except revisions.TranscriptNotReady as problem:
        return error(str(problem), status=409)
    response = JsonResponse({"revision": revision_summary(revision), "segments": [segment_view(s) for s in changed]})
    # How long the save took on the server, for the benchmark and the browser's network panel.
    response["Server-Timing"] = f"save;dur={(time.perf_counter() - started) * 1000:.1f}"
    response["ETag"] = f'"{revision.number}"'
    return response


def _parse_edit(request):
    """(base revision number, edits) from {"revision": n, "segments": [{"id", "text"?, "speaker"?}]}."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise ValueError("The body is not JSON: send {\"revision\": N, \"segments\": [{\"id\": …, \"text\": …}]}.") from None
    if not isinstance(body, dict) or not isinstance(body.get("segments"), list) or not body["segments"]:
        raise ValueError("Send {\"revision\": N, \"segments\": [{\"id\": …, \"text\": …}]} with one segment or more.")
    base = body.get("revision", _if_match(request))
    if isinstance(base, bool) or not isinstance(base, int):
        raise ValueError("Say which revision you edited: \"revision\": N from the transcript you read "
                         "(or an If-Match header with its ETag).")  # fmt: skip
    for edit in body["segments"]:
        if not isinstance(edit, dict) or isinstance(edit.get("id"), bool) or not isinstance(edit.get("id"), int):
            raise ValueError("Every segment needs its \"id\" (a whole number) from the transcript.")
        unknown = set(edit) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"Only the text and the speaker of a segment can be changed, not {', '.join(sorted(unknown))}.")
        if "text" in edit and (not isinstance(edit["text"], str) or len(edit["text"]) > MAX_SEGMENT_CHARS):
            raise ValueError(f"A segment's text must be a string of at most {MAX_SEGMENT_CHARS} characters.")
        if "speaker" in edit and edit["speaker"] is not None and not isinstance(edit["speaker"], str):
            raise ValueError("A segment's speaker must be a string or null.")
    return base, body["segments"]


def _if_match(request):
    value = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() else None


@require_GET
def revision_list(request, public_id):
    job = visible_job(request, public_id)
    try:
        current = revisions.current_revision(job)
    except revisions.TranscriptNotReady as problem:
        return error(str(problem), status=409)
    listed = TranscriptRevision.objects.filter(job=job).select_related("author").defer("segments").order_by("-number")
    return JsonResponse({"current": current.number, "revisions": [revision_summary(revision) for revision in listed]})


@require_GET
def revision_detail(request, public_id, number):
    job = visible_job(request, public_id)
    revision = TranscriptRevision.objects.filter(job=job, number=number).select_related("author").first()
    if revision is None:
        return error(f"The transcript has no revision {number}.", status=404)
    return JsonResponse(transcript_document(job, revision, revisions.segments_at(job, number)))


@require_POST
def revision_restore(request, public_id, number):
    job = visible_job(request, public_id)
    try:
        revision = revisions.restore(job, request.user, number)
    except revisions.UnknownRevision as problem:
        return error(str(problem), status=404)
    except revisions.TranscriptNotReady as problem:
        return error(str(problem), status=409)
    job.refresh_from_db()
    return JsonResponse(transcript_document(job, revision, job.result["segments"]))

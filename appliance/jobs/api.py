"""JSON endpoints under /api/jobs/ for the pages' scripts and for programs with a session.

Thin: decode the request, call services, serialise. 404 (not 403) for another user's job, so
job ids never reveal which jobs exist.
"""
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appliance.accounts.permissions import visible_jobs
from appliance.jobs import services, speaker_names
from appliance.jobs.audio_response import ranged_file_response
from appliance.jobs.models import Status, Transcription
from appliance.jobs.request_options import InvalidJobOptions, options_of, parse_job_options
from appliance.jobs.serializers import job_detail, job_summary, refused_file
from appliance.jobs.upload_handlers import UploadRefused, read_upload_form

PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


def visible_job(request, public_id):
    return get_object_or_404(visible_jobs(request.user, Transcription.objects.select_related("owner")), public_id=public_id)


def filtered_jobs(user, status=""):
    # Lists never show a transcript: leaving it in the database keeps a page of long jobs light.
    jobs = visible_jobs(user, Transcription.objects.select_related("owner").defer("result", "previous_run"))
    if status:
        jobs = jobs.filter(status=status)
    return jobs


def error(message, status=400):
    return JsonResponse({"error": message}, status=status)


@require_http_methods(["GET", "POST"])
def jobs_collection(request):
    if request.method == "POST":
        return upload(request)
    if "q" in request.GET:
        from appliance.jobs.search_api import search_jobs

        return search_jobs(request)
    status = request.GET.get("status", "")
    if status and status not in Status.values:
        return error(f"Unknown status {status!r}: use one of {', '.join(Status.values)}.")
    try:
        page_size = int(request.GET.get("page_size", PAGE_SIZE))
        number = int(request.GET.get("page", 1))
    except ValueError:
        return error("page and page_size must be whole numbers.")
    if not 1 <= page_size <= MAX_PAGE_SIZE or number < 1:
        return error(f"page must be 1 or more and page_size from 1 to {MAX_PAGE_SIZE}.")
    paginator = Paginator(filtered_jobs(request.user, status), page_size)
    if number > max(paginator.num_pages, 1):
        return error(f"There is no page {number}: the list has {paginator.num_pages}.", status=404)
    page = paginator.page(number)
    return JsonResponse({
        "jobs": [job_summary(job) for job in page],
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "next": _page_url(request, number + 1) if page.has_next() else None,
    })


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return f"{request.path}?{query.urlencode()}"


def upload(request):
    """Multipart: one or more files in "files" (or "file") plus the options fields. Answers with
    every file's fate: "jobs" accepted, "refused" with a sentence each."""
    try:
        form, uploaded = read_upload_form(request)
        options = parse_job_options(form)
    except UploadRefused as problem:
        return error(str(problem), status=problem.status)
    except InvalidJobOptions as problem:
        return error(str(problem))
    files = uploaded.getlist("files") + uploaded.getlist("file")
    oversized = getattr(request, "oversized_uploads", [])
    if not files and not oversized:
        return error("No file was sent: attach one or more audio or video files as \"files\".")
    outcomes = services.accept_uploads(request.user, files, options, oversized)
    accepted = [job_summary(outcome.job) for outcome in outcomes if outcome.job]
    refused = [refused_file(outcome.name, outcome.error) for outcome in outcomes if not outcome.job]
    return JsonResponse({"jobs": accepted, "refused": refused}, status=upload_status(outcomes))


def upload_status(outcomes):
    """201 when any file was accepted; otherwise the refusals' common status (413, 507, 500),
    or 400 when they differ."""
    if any(outcome.job for outcome in outcomes):
        return 201
    statuses = {outcome.status for outcome in outcomes}
    return statuses.pop() if len(statuses) == 1 else 400


@require_http_methods(["GET", "DELETE"])
def job_resource(request, public_id):
    job = visible_job(request, public_id)
    if request.method == "DELETE":
        services.delete(job)
        return HttpResponse(status=204)
    return JsonResponse(job_detail(job))


@require_POST
def job_delete(request, public_id):
    services.delete(visible_job(request, public_id))
    return JsonResponse({"deleted": str(public_id)})


@require_POST
def job_cancel(request, public_id):
    try:
        job = services.cancel(visible_job(request, public_id))
    except services.JobActionRefused as problem:
        return error(str(problem), status=409)
    return JsonResponse(job_summary(job))


@require_POST
def job_rerun(request, public_id):
    job = visible_job(request, public_id)
    try:
        options = parse_job_options(request.POST, defaults=options_of(job))
        job = services.rerun(job, options)
    except InvalidJobOptions as problem:
        return error(str(problem))
    except services.JobActionRefused as problem:
        return error(str(problem), status=409)
    return JsonResponse(job_summary(job), status=202)


@require_GET
def job_download(request, public_id, fmt):
    from appliance.engine import CONTENT_TYPES, EXPORT_FORMATS, TranscriptionResult, export_result

    job = visible_job(request, public_id)
    if fmt not in EXPORT_FORMATS:
        return error(f"Unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}.", status=404)
    if not job.transcript:
        return error("The transcript is not ready: the job has not finished successfully.", status=409)
    text = export_result(TranscriptionResult.from_dict(job.transcript), fmt, speaker_names=job.speaker_names)
    response = HttpResponse(text, content_type=CONTENT_TYPES.get(fmt, "text/plain; charset=utf-8"))
    response["Content-Disposition"] = content_disposition_header(True, job.download_name(fmt))
    return response


@require_POST
def job_speaker_names(request, public_id):
    """Rename speakers: a JSON object {"SPEAKER_1": "Dr. Weber", ...} (an empty name drops it)."""
    job = visible_job(request, public_id)
    try:
        names = speaker_names.rename(job, speaker_names.names_from_request(request))
    except speaker_names.InvalidSpeakerNames as problem:
        return error(str(problem))
    return JsonResponse({"speaker_names": names})


@require_GET
def job_audio(request, public_id):
    job = visible_job(request, public_id)
    if not job.audio or not job.audio.storage.exists(job.audio.name):
        return error("The audio of this job is no longer stored.", status=404)
    return ranged_file_response(request, job.audio.path, job.original_name)

"""OpenAI-compatible speech API: /v1/audio/transcriptions, /v1/audio/translations, /v1/models.

An upload becomes an ordinary job: queued, run by a worker, listed for its owner. The view
waits for it without holding a thread (daphne serves other requests meanwhile) and answers in
OpenAI's shape. If the client gives up, the job still finishes and stays in the owner's list.

Programs authenticate with a bearer API token (appliance.tokens). A browser may use its session
instead, and then must pass the CSRF check like any other form post.
"""
import asyncio
import time

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

# Queueing from daphne needs the project's Celery app (broker from settings) to be the current
# app; nothing else imports it in the web process.
from appliance.engine import AudioError, AudioTooLongError
from appliance.jobs import services
from appliance.jobs.models import Status, Transcription
from appliance.jobs.openai_formats import model_entry, transcript_response
from appliance.jobs.openai_requests import (
    OPENAI_DEFAULT_MODEL,
    OpenAIRequestError,
    installed_models,
    model_for,
    parse_openai_request,
)
from appliance.jobs.progress import user_group
from appliance.jobs.upload_handlers import UploadRefused, read_upload_form
from appliance.plumbing import disk_space
from appliance.tokens.errors import api_error

# Progress pushes wake the waiting view; a missed push costs at most this long a delay.
WAKE_SECONDS = 1.0
# Only guards against a connection nobody reads any more: the client's own timeout normally
# ends the wait first, and the job runs on either way.
WAIT_LIMIT_SECONDS = 24 * 3600
NOT_LOGGED_IN = (
    "No API key was sent: send your API token as \"Authorization: Bearer <token>\" "
    "(create one on the API tokens page)."
)


def _refusal(problem):
    return api_error(str(problem), status=problem.status, param=problem.param, code=problem.code)


def _no_retry(response):
    # OpenAI's clients retry 409 and 5xx answers by default; for a job that already ran,
    # a retry would only transcribe the same file again.
    response["x-should-retry"] = "false"
    return response


def _method_not_allowed(request, allowed):
    response = api_error(f"{request.method} is not allowed here: use {allowed}.", status=405)
    response["Allow"] = allowed
    return response


def _check_logged_in(request):
    if not request.user.is_authenticated:
        raise OpenAIRequestError(NOT_LOGGED_IN, status=401, code="missing_api_key")


def _check_csrf(request):
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return
    if CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None:
        raise OpenAIRequestError(
            "The CSRF check failed: a browser session must send the X-CSRFToken header (or use an API token).",
            status=403,
            code="csrf_failed",
        )


def _queue_job(request, task):
    """Check the caller and the form, store the file and queue its job (sync: runs in a thread)."""
    _check_logged_in(request)
    try:
        form, files = read_upload_form(request)
    except UploadRefused as problem:
        code = "disk_full" if problem.status == 507 else None
        raise OpenAIRequestError(str(problem), status=problem.status, code=code) from None
    _check_csrf(request)
    wanted = parse_openai_request(form, task)
    uploaded = files.get("file")
    if uploaded is None:
        if getattr(request, "oversized_uploads", None):
            raise OpenAIRequestError(
                services.too_large_message(request.oversized_uploads[0]),
                param="file",
                code="file_too_large",
                status=413,
            )
        raise OpenAIRequestError("No file was sent: attach the audio as the multipart field \"file\".", param="file")
    try:
        job = services.accept_upload(request.user, uploaded, wanted.options)
    except AudioTooLongError as problem:
        raise OpenAIRequestError(str(problem), param="file", code="audio_too_long") from None
    except AudioError as problem:
        raise OpenAIRequestError(str(problem), param="file", code="invalid_file_format") from None
    except OSError as problem:
        if not disk_space.is_disk_full(problem):
            raise
        raise OpenAIRequestError(disk_space.DISK_FULL_MESSAGE, status=507, code="disk_full") from None
    return job, wanted


def _current(job_id):
    return Transcription.objects.select_related("owner").filter(pk=job_id).first()


async def wait_for_job(job):
    """The job's row once it has finished (or None once it was deleted); reads the row after
    every push for its owner and at least every WAKE_SECONDS, so a lost push costs nothing."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = user_group(job.owner_id)
    # Join before the first read: a job finishing in between is then seen either way.
    await layer.group_add(group, channel)
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    try:
        while True:
            current = await sync_to_async(_current)(job.pk)
            if current is None or current.is_finished or time.monotonic() >= deadline:
                return current
            try:
                await asyncio.wait_for(layer.receive(channel), WAKE_SECONDS)
            except asyncio.TimeoutError:
                pass
    finally:
        await layer.group_discard(group, channel)


def _answer(job, public_id, wanted):
    if job is None:
        return _no_retry(api_error("The job was deleted before it finished.", status=410, code="job_deleted"))
    if job.status == Status.DONE:
        return transcript_response(job, wanted.response_format)
    if job.status == Status.FAILED:
        response = api_error(job.error_message or "The transcription failed.", status=500, type="server_error",
                             code="transcription_failed")
    elif job.status == Status.CANCELLED:
        response = api_error("The job was cancelled before it finished.", status=409, code="job_cancelled")
    else:
        response = api_error(
            f"The job is still {job.status}: fetch its transcript later from /api/jobs/{public_id}/.",
            status=504, type="server_error", code="timeout",
        )
    response["X-Job-Id"] = str(public_id)
    return _no_retry(response)


async def _transcribe(request, task):
    if request.method != "POST":
        return _method_not_allowed(request, "POST")
    try:
        job, wanted = await sync_to_async(_queue_job)(request, task)
    except OpenAIRequestError as problem:
        return _refusal(problem)
    finished = await wait_for_job(job)
    return await sync_to_async(_answer)(finished, job.public_id, wanted)


@csrf_exempt  # checked in _check_csrf: token requests need no CSRF, session requests do
@login_not_required  # answered with OpenAI's error shape instead of the login redirect
async def transcriptions(request):
    return await _transcribe(request, "transcribe")


@csrf_exempt
@login_not_required
async def translations(request):
    return await _transcribe(request, "translate")


def _model_entries():
    entries = [model_entry(status.name, status.multilingual) for status in installed_models()]
    try:
        default = model_for(OPENAI_DEFAULT_MODEL, "transcribe")
    except OpenAIRequestError:
        return entries  # the default model is not installed: whisper-1 stands for nothing
    multilingual = {entry["id"]: entry["multilingual"] for entry in entries}
    entries.append(model_entry(OPENAI_DEFAULT_MODEL, multilingual[default], alias_of=default))
    return entries


def _refuse_get(request):
    if request.method != "GET":
        return _method_not_allowed(request, "GET")
    if not request.user.is_authenticated:
        return api_error(NOT_LOGGED_IN, status=401, code="missing_api_key")
    return None


@login_not_required
def models(request):
    return _refuse_get(request) or JsonResponse({"object": "list", "data": _model_entries()})


@login_not_required
def model_detail(request, model_id):
    refusal = _refuse_get(request)
    if refusal is not None:
        return refusal
    for entry in _model_entries():
        if entry["id"] == model_id:
            return JsonResponse(entry)
    return api_error(f"The model {model_id!r} does not exist on this appliance.", status=404, param="model",
                     code="model_not_found")

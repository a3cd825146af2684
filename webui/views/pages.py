"""The HTML pages. Thin: read the request, call appliance.jobs services, render."""
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from appliance.jobs import services
from appliance.jobs.api import filtered_jobs, visible_job
from appliance.jobs.available_models import available_models
from appliance.jobs.models import Status
from appliance.jobs.request_options import InvalidJobOptions, default_options, options_of, parse_job_options
from webui.views.speakers import speaker_context

JOBS_PER_PAGE = 50


def option_choices():
    from appliance.engine import language_choices

    models = available_models()
    return {
        "models": models,
        "defaults": default_options(),
        "languages": language_choices(),
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "max_upload_bytes": settings.MAX_UPLOAD_MB * 1024 * 1024,
        "max_audio_seconds": settings.MAX_AUDIO_SECONDS,
        "llm_skip_models": _llm_skip_models(),
    }


def _llm_skip_models():
    """None while no LLM is set up (no clean-up option is offered), else the models it skips."""
    from appliance.panel.models import LLMSettings

    row = LLMSettings.current()
    return row.skip_cleanup_models if row.enabled else None


def upload(request):
    return render(request, "webui/upload.html", option_choices())


def job_list(request):
    from appliance.engine import EXPORT_FORMATS

    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    page = Paginator(filtered_jobs(request.user, status), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webui/job_list.html",
        {"page": page, "jobs": page.object_list, "status": status, "statuses": Status.choices,
         "export_formats": EXPORT_FORMATS},
    )


def job_detail(request, public_id):
    from appliance.engine import EXPORT_FORMATS

    job = visible_job(request, public_id)
    context = {
        "job": job,
        "export_formats": EXPORT_FORMATS,
        "current": options_of(job),
        **option_choices(),
        **speaker_context(job),
        "llm": llm_context(job),
    }
    return render(request, "webui/job_detail.html", context)


def llm_context(job):
    """The LLM actions the job page offers (none while no LLM is set up), and their last answers."""
    from appliance.panel.models import LLMSettings

    row = LLMSettings.current()
    if not row.enabled:
        return None
    actions = [("cleanup", "Clean up"), ("summary", "Summary"), ("action_items", "Action items")]
    if row.custom_prompt.strip():
        actions.append(("custom", row.custom_prompt_name or "Custom prompt"))
    return {"actions": actions, "outputs": job.llm_outputs or {}}


@require_POST
def job_delete(request, public_id):
    job = visible_job(request, public_id)
    services.delete(job)
    messages.success(request, f"Deleted {job.original_name} with its audio and transcript.")
    return redirect("webui:jobs")


@require_POST
def job_cancel(request, public_id):
    job = visible_job(request, public_id)
    try:
        services.cancel(job)
        messages.success(request, f"Cancelling {job.original_name}.")
    except services.JobActionRefused as problem:
        messages.error(request, str(problem))
    return redirect("webui:job", public_id=public_id)


@require_POST
def job_rerun(request, public_id):
    job = visible_job(request, public_id)
    try:
        services.rerun(job, parse_job_options(request.POST, defaults=options_of(job)))
        messages.success(request, f"{job.original_name} is queued again with the new options.")
    except (InvalidJobOptions, services.JobActionRefused) as problem:
        messages.error(request, str(problem))
    return redirect("webui:job", public_id=public_id)

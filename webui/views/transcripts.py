"""Pages for working across transcripts: search with highlighted snippets, and actions on selected jobs."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.html import format_html_join, mark_safe
from django.views.decorators.http import require_POST

from appliance.jobs import bulk
from appliance.jobs.bulk_api import zip_response
from appliance.jobs.search import InvalidQuery, search
from appliance.jobs.search_api import segment_link


def highlighted(text, ranges):
    """text as HTML with <mark> around the ranges, everything else escaped."""
    parts, position = [], 0
    for start, end in ranges:
        parts += [(text[position:start], ""), (text[start:end], "mark")]
        position = end
    parts.append((text[position:], ""))
    return mark_safe("".join(format_html_join("", "<mark>{}</mark>" if tag else "{}", [(piece,)]) for piece, tag in parts))


def search_page(request):
    query = request.GET.get("q", "").strip()
    before = request.GET.get("before", "")
    context = {"query": query, "results": [], "error": "", "next_before": None}
    if query:
        try:
            page = search(request.user, query, before=int(before) if before.isdigit() else None)
        except InvalidQuery as problem:
            context["error"] = str(problem)
        else:
            context["next_before"] = page.next_before
            context["results"] = [
                {"job": found.job, "more": found.more,
                 "hits": [{"start": hit.start, "url": segment_link(found.job, hit.start),
                           "html": highlighted(hit.text, hit.highlights)} for hit in found.hits]}
                for found in page.results
            ]  # fmt: skip
    return render(request, "webui/search.html", context)


@require_POST
def jobs_bulk(request):
    action = request.POST.get("action")
    try:
        jobs, _ = bulk.selected_jobs(request.user, request.POST.getlist("ids"))
        if action == "download":
            return zip_response(jobs, request.POST.getlist("formats") or ["txt"])
        if action == "delete":
            deleted = bulk.delete_jobs(jobs)
            messages.success(request, f"Deleted {len(deleted)} job{'s' if len(deleted) != 1 else ''} with audio and transcripts.")
            return redirect("webui:jobs")
        messages.error(request, "Choose what to do with the selected jobs.")
    except bulk.BulkRefused as problem:
        messages.error(request, str(problem))
    return redirect("webui:jobs")

"""GET /api/jobs/?q=…: the jobs whose current transcript matches, newest first, with the matching
segments (text, highlighted character ranges, and a link to the job page at that segment's time)."""
from django.http import JsonResponse
from django.urls import reverse

from appliance.jobs.api import error
from appliance.jobs.search import InvalidQuery, search
from appliance.jobs.serializers import job_summary


def segment_link(job, start):
    return f"{reverse('webui:job', args=[job.public_id])}#t={start:.2f}"


def search_jobs(request):
    before = request.GET.get("before", "")
    if before and not before.isdigit():
        return error("before must be the cursor from the previous page's \"next\" link.")
    try:
        page = search(request.user, request.GET.get("q", ""), before=int(before) if before else None)
    except InvalidQuery as problem:
        return error(str(problem))
    jobs = []
    for found in page.results:
        summary = job_summary(found.job)
        summary["matches"] = [{**hit.to_dict(), "url": segment_link(found.job, hit.start)} for hit in found.hits]
        summary["more_matches"] = found.more
        jobs.append(summary)
    next_url = None
    if page.next_before is not None:
        query = request.GET.copy()
        query["before"] = page.next_before
        next_url = f"{request.path}?{query.urlencode()}"
    return JsonResponse({"query": page.query, "jobs": jobs, "next": next_url})

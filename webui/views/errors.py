"""Error pages that say what happened in words, as JSON for programs."""
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from appliance.accounts.middleware import wants_json

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Reload the page and try again."),
    403: ("Not allowed", "You are not allowed to see this. Ask an administrator if you need access."),
    404: ("Not found", "This page or job does not exist, or it was deleted."),
    500: ("Something went wrong", "The appliance hit an internal error. It was logged; try again later."),
}


def _error(request, status, detail=None):
    title, text = MESSAGES[status]
    if detail and status in (400, 403):
        text = str(detail)
    if wants_json(request):
        return JsonResponse({"error": text}, status=status)
    return render(request, "webui/error.html", {"status": status, "title": title, "text": text}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, exception)


def forbidden(request, exception=None):
    return _error(request, 403, exception)


def not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    title, text = MESSAGES[500]
    if wants_json(request):
        return JsonResponse({"error": text}, status=500)
    # No request context: whatever broke (database, session) must not break the error page too.
    html = render_to_string("webui/error.html", {"status": 500, "title": title, "text": text})
    return HttpResponse(html, status=500)


def csrf_failure(request, reason=""):
    return _error(request, 403, "The form expired or came from another site. Reload the page and try again.")

"""Every page requires login; views that must stay open (login page, /healthz) opt out with
django.contrib.auth.decorators.login_not_required. Programs get a 401 JSON answer, not a redirect."""
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse


def wants_json(request):
    return request.path.startswith(("/api/", "/v1/")) or "application/json" in request.headers.get("Accept", "")


class LoginRequiredEverywhereMiddleware(LoginRequiredMiddleware):
    def handle_no_permission(self, request, view_func):
        if wants_json(request):
            response = JsonResponse({"error": "Log in first (session cookie or API token)."}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="whisper-appliance"'
            return response
        return super().handle_no_permission(request, view_func)

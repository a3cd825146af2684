"""`Authorization: Bearer wa_…` logs a program in for one request to the APIs.

Runs after AuthenticationMiddleware (a bearer token wins over a session cookie) and before the
login-required check. Tokens open the programs' paths only (TOKEN_PATHS; on /healthz a token
shows the checks' details): a leaked token must not
drive the pages, an admin's least of all (the panel creates users). A request that proves
itself with a token carries no cookie a browser could send on another site's behalf, so CSRF
does not apply to it; a session request still needs CSRF.
"""
from django.utils.deprecation import MiddlewareMixin

from appliance.tokens import services
from appliance.tokens.errors import api_error

BEARER_SCHEME = "bearer"
TOKEN_PATHS = ("/api/", "/v1/", "/metrics", "/healthz")
# Where a refused token is answered with 401 at once; on /metrics a bearer that is not one of
# ours is the Prometheus scrape token, which the metrics view checks itself.
API_PATHS = ("/api/", "/v1/")


def bearer_token(request):
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != BEARER_SCHEME or not credentials.strip():
        return None
    return credentials.strip()


class ApiTokenMiddleware(MiddlewareMixin):
    # MiddlewareMixin keeps the chain async under daphne (all other middleware are async-capable):
    # a plain sync class here would park a thread for every request, for as long as the
    # OpenAI-compatible view waits for its job.

    def process_request(self, request):
        plain = bearer_token(request) if request.path.startswith(TOKEN_PATHS) else None
        return None if plain is None else self.authenticate(request, plain)

    def authenticate(self, request, plain):
        try:
            token = services.authenticate(plain)
        except services.TokenRefused as refusal:
            if services.looks_like_api_token(plain) or request.path.startswith(API_PATHS):
                return api_error(str(refusal), status=401, code="invalid_api_key")
            return None
        user = token.owner

        async def auser():
            return user

        request.user = user
        request.auser = auser
        request.api_token = token
        request._dont_enforce_csrf_checks = True
        return None

"""A Content-Security-Policy on every answer Django gives, so the appliance's pages stay safe
without nginx in front (`make run`) and whatever nginx adds.

The pages load scripts, styles, images and the live page's audio worklet from /static/ only,
with no inline script or style (templates and JS are written for that), talk to their own
origin over fetch and WebSockets, and play audio from /api/jobs/…/audio. A response that brings
its own policy keeps it (stored media goes out with `sandbox`).
"""
from django.conf import settings
from django.core.exceptions import DisallowedHost

PAGE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def page_policy(request):
    # 'self' covers ws:/wss: to the same host only in newer browsers: name them.
    try:
        host = request.get_host()
    except DisallowedHost:
        return "; ".join((*PAGE_POLICY, "connect-src 'self'"))
    return "; ".join((*PAGE_POLICY, f"connect-src 'self' ws://{host} wss://{host}"))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's DEBUG error pages need inline scripts and styles.
        if not settings.DEBUG and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = page_policy(request)
        return response

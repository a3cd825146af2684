"""Refuse a request body that is certainly too large before the application reads any of it.

Django spools the whole body to disk before a view runs, so without this a 50 GB upload would
fill the disk before the per-file limit could say no. Under daphne the same check runs
earlier still, before the body is received (appliance.plumbing.web_server_limits); this one covers any
other ASGI server.
"""
import json

from django.conf import settings

# Multipart boundaries and form fields around the files.
FORM_OVERHEAD_BYTES = 1024 * 1024


def request_limit_bytes():
    return settings.MAX_UPLOAD_MB * 1024 * 1024 + FORM_OVERHEAD_BYTES


def too_large_message():
    return (
        f"The upload is larger than the {settings.MAX_UPLOAD_MB} MB limit per file"
        " (send several files one per request)."
    )


class RequestSizeLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            length = dict(scope.get("headers", [])).get(b"content-length")
            if length and length.isdigit() and int(length) > request_limit_bytes():
                await self._refuse(send)
                return
        await self.app(scope, receive, send)

    async def _refuse(self, send):
        body = json.dumps({"error": too_large_message()}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})

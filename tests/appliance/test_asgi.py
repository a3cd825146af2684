"""The ASGI application daphne serves: static files without nginx, oversized uploads refused
before a byte is read, WebSockets only from this site's origin."""
import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.testing import WebsocketCommunicator

from appliance.asgi import application


def http(method, path, headers=(), body=b""):
    """One request through the ASGI app, reading every body message of a streamed answer."""
    scope = {
        "type": "http", "http_version": "1.1", "method": method, "path": path, "raw_path": path.encode(),
        "query_string": b"", "scheme": "http", "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip

    async def call():
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": body})
        start = await communicator.receive_output(10)
        content = b""
        while True:
            message = await communicator.receive_output(10)
            content += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(10)
        return {"status": start["status"], "body": content}

    return async_to_sync(call)()


def test_daphne_serves_the_static_files_itself():
    response = http("GET", "/static/webui/css/appliance.css")

    assert response["status"] == 200
    assert b".dropzone" in response["body"]


def test_a_request_larger_than_the_upload_limit_is_refused_before_its_body_is_read(settings):
    settings.MAX_UPLOAD_MB = 1
    headers = [(b"content-length", str(50 * 1024 * 1024).encode()), (b"content-type", b"multipart/form-data; boundary=x")]

    response = http("POST", "/api/jobs/", headers=headers)

    assert response["status"] == 413
    assert b"larger than the 1 MB limit per file" in response["body"]


@pytest.mark.django_db
def test_a_websocket_from_another_site_is_refused():
    async def connect():
        communicator = WebsocketCommunicator(application, "/ws/jobs/", headers=[(b"origin", b"https://evil.example")])
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(connect)() is False

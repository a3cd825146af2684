"""Programs send no Origin header: they may connect when they present an API token (header,
subprotocol or query), and the Python client of docs/api.md works as written. A foreign Origin
is still refused, and so is a cookie without an Origin."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator

from appliance.engine.accuracy import normalize_text
from appliance.jobs.models import Transcription
from appliance.tokens.services import create_token

from .live_client import LiveClient, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)
API_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture
def token(staff_user):
    return create_token(staff_user, "program")[1]


def communicator(path="/ws/live/", headers=(), subprotocols=None):
    from appliance.asgi import application

    return WebsocketCommunicator(application, path, headers=[(b"host", b"localhost"), *headers], subprotocols=subprotocols)


async def first_answer(socket):
    """(connected, first event or None) of a handshake."""
    connected, _ = await socket.connect(timeout=10)
    if not connected:
        return False, None
    await socket.send_json_to({"type": "start", "model": "tiny.en", "language": "en"})
    event = await socket.receive_json_from(timeout=60)
    await socket.disconnect()
    return True, event


@pytest.mark.parametrize("presented_in", ["header", "subprotocol", "query"])
def test_a_token_without_an_origin_header_may_start_a_session(run, live_engine, token, presented_in):
    if presented_in == "header":
        socket = communicator(headers=[(b"authorization", f"Bearer {token}".encode())])
    elif presented_in == "subprotocol":
        socket = communicator(subprotocols=["bearer", token])
    else:
        socket = communicator(path=f"/ws/live/?token={token}")
    connected, event = run(first_answer, socket)
    assert connected and event["type"] == "ready"


def test_a_cookie_without_an_origin_header_is_refused_at_the_handshake(run, staff_user):
    socket = communicator(headers=[(b"cookie", session_cookie(staff_user).encode())])
    assert run(first_answer, socket) == (False, None)


def test_without_an_origin_header_the_token_alone_counts_not_the_cookie(run, staff_user):
    socket = communicator(headers=[(b"cookie", session_cookie(staff_user).encode()), (b"authorization", b"Bearer wa_wrong")])
    connected, event = run(first_answer, socket)
    assert connected and event["code"] == "unauthenticated"


def test_a_token_does_not_open_the_door_to_a_foreign_origin(run, token):
    client = LiveClient(origin="https://evil.example", token=token)
    assert run(client.connect) is False


def docs_client_example():
    """The Python example of docs/api.md's live section, as written."""
    section = API_DOCUMENT.read_text(encoding="utf-8").split("## Live WebSocket protocol", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


@pytest.mark.slow
def test_the_python_client_of_the_api_documentation_transcribes_without_an_origin_header(
    live_server_url, live_engine, token, short_speech, staff_user, tmp_path
):
    example = docs_client_example()
    assert '"wss://appliance.lan/ws/live/"' in example and 'asyncio.run(main("speech.wav", "wa_…"))' in example
    # Only the appliance's address and the token change, as a reader's copy would.
    script = example.replace("wss://appliance.lan", live_server_url.replace("http://", "ws://"))
    script = script.replace('main("speech.wav", "wa_…")', f'main({str(short_speech.wav)!r}, {token!r})')
    (tmp_path / "client.py").write_text(script, encoding="utf-8")
    printed = subprocess.run(
        [sys.executable, str(tmp_path / "client.py")], capture_output=True, text=True, timeout=180, check=True
    ).stdout
    assert '"type":"ready"' in printed and "'type': 'saved'" in printed, printed
    assert {"team", "meeting", "friday"} <= set(normalize_text(printed).split()), printed
    job = Transcription.objects.get(owner=staff_user)
    assert job.result["text"] and job.duration_seconds == pytest.approx(short_speech.seconds, abs=0.01)

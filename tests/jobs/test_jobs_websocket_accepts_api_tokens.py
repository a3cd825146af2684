"""Programs follow their jobs on /ws/jobs/ with an API token, through the project's real ASGI
stack (appliance.asgi): header, subprotocol or query; with no Origin (a program) or a good one.
A page on another site gets nowhere, with or without a token."""
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from appliance.asgi import application
from appliance.tokens.services import create_token

pytestmark = pytest.mark.django_db(transaction=True)


def connect(path, headers=(), subprotocols=None):
    async def attempt():
        communicator = WebsocketCommunicator(application, path, headers=list(headers), subprotocols=subprotocols)
        connected, detail = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected, detail

    return async_to_sync(attempt)()


@pytest.fixture
def token(staff_user):
    return create_token(staff_user, "follower")[1]


def test_a_program_with_a_bearer_header_and_no_origin_is_accepted(token):
    assert connect("/ws/jobs/", headers=[(b"authorization", f"Bearer {token}".encode())])[0] is True


def test_a_browser_sending_its_token_as_subprotocol_gets_it_echoed(token):
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]

    assert connect("/ws/jobs/", headers=headers, subprotocols=["bearer", token]) == (True, "bearer")


def test_a_token_in_the_query_from_an_allowed_origin_is_accepted(token):
    assert connect(f"/ws/jobs/?token={token}", headers=[(b"origin", b"http://localhost")])[0] is True


def test_a_forged_token_without_origin_is_closed_as_unauthenticated():
    assert connect("/ws/jobs/", headers=[(b"authorization", b"Bearer wa_00000000_forged")]) == (False, 4401)


def test_another_sites_page_is_refused_even_with_a_token(token):
    assert connect(f"/ws/jobs/?token={token}", headers=[(b"origin", b"https://evil.example")])[0] is False


def test_no_origin_and_no_token_is_refused():
    assert connect("/ws/jobs/")[0] is False

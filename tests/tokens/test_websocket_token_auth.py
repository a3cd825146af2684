"""The WebSocket helper: TokenAuthMiddleware inside channels' AuthMiddlewareStack, as asgi.py
would stack it, in front of a consumer that says who it sees (and of the real jobs consumer)."""
import pytest
from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from appliance.asgi import websocket_urlpatterns
from appliance.tokens.models import ApiToken
from appliance.tokens.services import revoke
from appliance.tokens.websocket import BEARER_SUBPROTOCOL, TokenAuthMiddleware, user_for_token

pytestmark = pytest.mark.django_db(transaction=True)


class WhoAmIConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        offered = self.scope.get("subprotocols") or []
        await self.accept(subprotocol=BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in offered else None)
        user = self.scope["user"]
        await self.send_json({"user": user.get_username() if user.is_authenticated else None})


application = AuthMiddlewareStack(
    TokenAuthMiddleware(URLRouter([path("ws/whoami/", WhoAmIConsumer.as_asgi()), *websocket_urlpatterns]))
)


def who_is_seen(path, **options):
    async def attempt():
        communicator = WebsocketCommunicator(application, path, **options)
        connected, subprotocol = await communicator.connect()
        assert connected
        message = await communicator.receive_json_from()
        await communicator.disconnect()
        return message["user"], subprotocol

    return async_to_sync(attempt)()


def test_user_for_token_answers_the_owner_or_none(staff_user, issue_token):
    plain = issue_token(staff_user)

    assert user_for_token(plain) == staff_user
    assert user_for_token(plain + "x") is None
    revoke(ApiToken.objects.get(), by=staff_user)
    assert user_for_token(plain) is None


def test_a_token_in_the_query_string_is_the_user(staff_user, issue_token):
    assert who_is_seen(f"/ws/whoami/?token={issue_token(staff_user)}")[0] == staff_user.username


def test_a_token_as_bearer_subprotocol_is_the_user(staff_user, issue_token):
    user, subprotocol = who_is_seen("/ws/whoami/", subprotocols=["bearer", issue_token(staff_user)])

    assert user == staff_user.username and subprotocol == "bearer"


def test_a_token_in_the_authorization_header_is_the_user(staff_user, issue_token):
    headers = [(b"authorization", f"Bearer {issue_token(staff_user)}".encode())]

    assert who_is_seen("/ws/whoami/", headers=headers)[0] == staff_user.username


def test_without_a_token_nobody_is_seen():
    assert who_is_seen("/ws/whoami/")[0] is None


def test_the_jobs_socket_refuses_a_bad_token_with_4401():
    async def attempt():
        communicator = WebsocketCommunicator(application, "/ws/jobs/?token=wa_00000000_forged")
        connected, code = await communicator.connect()
        return connected, code

    assert async_to_sync(attempt)() == (False, 4401)


def test_the_jobs_socket_accepts_a_good_token(staff_user, issue_token):
    plain = issue_token(staff_user)

    async def attempt():
        communicator = WebsocketCommunicator(application, f"/ws/jobs/?token={plain}")
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(attempt)() is True

"""API tokens for WebSocket connections, where browsers cannot set an Authorization header.

A client presents its token in one of three ways (the first found wins):
  - `Authorization: Bearer wa_…` header (programs),
  - the subprotocols `["bearer", "wa_…"]` (browsers: `new WebSocket(url, ["bearer", token])`;
    the consumer must then accept with `subprotocol="bearer"`, see BEARER_SUBPROTOCOL),
  - a `?token=wa_…` query parameter (simplest; the token may end up in proxy logs).

appliance/asgi.py wraps every WebSocket route in `OriginOrTokenValidator` (tokens.websocket_origin) and
`TokenAuthMiddleware` inside channels' AuthMiddlewareStack (a session user stays unless a token
is presented), so a consumer only reads scope["user"]; `user_for_token(plain)` is there for the
rest. A consumer accepts with `subprotocol=accepted_subprotocol(scope)`.
"""
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from appliance.tokens import services

BEARER_SUBPROTOCOL = "bearer"


def user_for_token(plain):
    """The active owner of a valid, unrevoked token, else None (sync: call it off the event loop)."""
    try:
        return services.authenticate(plain).owner
    except services.TokenRefused:
        return None


def token_from_scope(scope):
    headers = dict(scope.get("headers") or [])
    scheme, _, credentials = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    protocols = list(scope.get("subprotocols") or [])
    if BEARER_SUBPROTOCOL in protocols:
        position = protocols.index(BEARER_SUBPROTOCOL)
        if position + 1 < len(protocols):
            return protocols[position + 1]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("token") or []
    return values[0] if values and values[0] else None


class TokenAuthMiddleware(BaseMiddleware):
    """Sets scope["user"] from a presented token; a bad token leaves an anonymous user (the
    consumer then closes with 4401), never the session's user."""

    async def __call__(self, scope, receive, send):
        plain = token_from_scope(scope) if scope.get("type") == "websocket" else None
        if plain is not None:
            scope = dict(scope)
            scope["user"] = await database_sync_to_async(user_for_token)(plain) or AnonymousUser()
            scope["api_token_used"] = True
        return await super().__call__(scope, receive, send)


def accepted_subprotocol(scope):
    """Browsers that sent their token as a subprotocol must see it echoed, or they hang up."""
    return BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in (scope.get("subprotocols") or []) else None

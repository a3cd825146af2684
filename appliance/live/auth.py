"""Who is on the other end of a live WebSocket.

Browsers authenticate with their session cookie (AuthMiddlewareStack fills scope["user"]);
programs present an API token (`Authorization: Bearer wa_…`, the subprotocols
`["bearer", "wa_…"]`, or `?token=wa_…`), resolved by the tokens app's TokenAuthMiddleware that
appliance/asgi.py wraps around every WebSocket route: scope["user"] is already the token's owner
and this only confirms it."""
from channels.db import database_sync_to_async

from appliance.tokens.websocket import accepted_subprotocol, token_from_scope, user_for_token

__all__ = ["accepted_subprotocol", "authenticated_user"]


async def authenticated_user(scope):
    user = scope.get("user")
    if user is not None and user.is_authenticated and user.is_active:
        return user
    token = token_from_scope(scope)
    if token is None:
        return None
    user = await database_sync_to_async(user_for_token)(token)
    return user if user is not None and user.is_active else None

"""Who is on the other end of a live WebSocket.

Browsers authenticate with their session cookie (AuthMiddlewareStack fills scope["user"]);
programs present an API token (`Authorization: Bearer wa_…`, the subprotocols
`["bearer", "wa_…"]`, or `?token=wa_…`), resolved by the tokens app. Should the project wrap
every WebSocket route in the tokens app's TokenAuthMiddleware, scope["user"] is already the
token's owner and this only confirms it."""
from channels.db import database_sync_to_async

from appliance.tokens.websocket import BEARER_SUBPROTOCOL, token_from_scope, user_for_token


async def authenticated_user(scope):
    user = scope.get("user")
    if user is not None and user.is_authenticated and user.is_active:
        return user
    token = token_from_scope(scope)
    if token is None:
        return None
    user = await database_sync_to_async(user_for_token)(token)
    return user if user is not None and user.is_active else None


def accepted_subprotocol(scope):
    """Browsers that sent their token as a subprotocol must see it echoed, or they hang up."""
    return BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in (scope.get("subprotocols") or []) else None

"""Which WebSocket handshakes reach the consumers: the same-origin check of browsers, and API
tokens for programs.

Browsers always send an Origin header, so a page of another site cannot open a socket with the
user's cookie: a foreign Origin is refused as channels' AllowedHostsOriginValidator refuses it.
Programs (websockets, curl) usually send no Origin at all. Such a connection is let through only
when it presents an API token (header, subprotocol or query, see appliance.tokens.websocket), and
its cookies are taken away first, so that it is the token alone that authenticates it: without
an Origin a cookie proves nothing about who opened the socket."""
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier

from appliance.tokens.websocket import token_from_scope


class OriginOrTokenValidator:
    def __init__(self, application):
        self.same_origin = AllowedHostsOriginValidator(application)
        self.application = application

    async def __call__(self, scope, receive, send):
        headers = scope.get("headers") or []
        if any(name == b"origin" for name, _ in headers):
            return await self.same_origin(scope, receive, send)
        if token_from_scope(scope) is None:
            return await WebsocketDenier()(scope, receive, send)
        scope = dict(scope, headers=[(name, value) for name, value in headers if name != b"cookie"])
        return await self.application(scope, receive, send)

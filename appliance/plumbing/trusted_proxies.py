"""The client's address for HTTP and WebSocket requests: X-Forwarded-For counts only when the
connection comes from a proxy the admin named in APPLIANCE_TRUSTED_PROXIES.

daphne's own --proxy-headers believes the header from anyone, so a client could pick its address
per request: rotate it to dodge the login lockout, or borrow a colleague's to lock them out. Here
the header is read right to left, skipping trusted proxies, and the first address that is not one
is the client; a malformed entry ends the walk (the last trusted hop is the client then). With no
trusted proxy configured (`make run`) the header is ignored.
"""
import ipaddress


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted(address, trusted_networks):
    return address is not None and any(address in network for network in trusted_networks)


def forwarded_client(peer, forwarded_for, trusted_networks):
    """The client address (str) for a connection from peer carrying X-Forwarded-For."""
    if not is_trusted(_address(peer), trusted_networks) or not forwarded_for:
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            break
        client = str(address)
        if not is_trusted(address, trusted_networks):
            break
    return client


def _forwarded_for(headers):
    # Several X-Forwarded-For headers read as one list, in order (RFC 7230 section 3.2.2).
    values = [value.decode("latin-1") for name, value in headers if name.lower() == b"x-forwarded-for"]
    return ",".join(values)


class TrustedProxyClient:
    """ASGI middleware: rewrites scope["client"] for http and websocket connections."""

    def __init__(self, application, trusted_networks):
        self.application = application
        self.trusted_networks = list(trusted_networks)

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and self.trusted_networks and scope.get("client"):
            peer = scope["client"][0]
            client = forwarded_client(peer, _forwarded_for(scope.get("headers") or []), self.trusted_networks)
            if client != peer:
                scope = dict(scope, client=(client, 0))
        return await self.application(scope, receive, send)

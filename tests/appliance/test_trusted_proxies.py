"""X-Forwarded-For names the client only when the connection comes from a trusted proxy, read
right to left past trusted hops; a bad APPLIANCE_TRUSTED_PROXIES value stops the process."""
import ipaddress

import pytest
from asgiref.sync import async_to_sync

from appliance.plumbing.env import EnvError, env_networks
from appliance.plumbing.trusted_proxies import TrustedProxyClient, forwarded_client

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


def test_without_trusted_proxies_the_header_is_ignored():
    assert forwarded_client("127.0.0.1", "203.0.113.9", []) == "127.0.0.1"


def test_a_client_that_is_not_a_trusted_proxy_cannot_name_its_address():
    assert forwarded_client("198.51.100.7", "203.0.113.9", LOOPBACK) == "198.51.100.7"


def test_from_the_trusted_proxy_the_header_names_the_client():
    assert forwarded_client("127.0.0.1", "203.0.113.9", LOOPBACK) == "203.0.113.9"


def test_an_appended_chain_is_read_right_to_left_past_trusted_hops():
    # A client's own forged first entry never wins over what the proxies saw.
    assert forwarded_client("127.0.0.1", "10.9.9.9, 203.0.113.9, 127.0.0.1", LOOPBACK) == "203.0.113.9"


def test_garbage_in_the_header_leaves_the_proxy_as_the_client():
    assert forwarded_client("127.0.0.1", "not-an-address", LOOPBACK) == "127.0.0.1"


def test_ipv6_clients_and_brackets_are_understood():
    assert forwarded_client("::1", "[2001:db8::5]", LOOPBACK) == "2001:db8::5"


def test_the_setting_takes_addresses_and_networks():
    environ = {"APPLIANCE_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8 ,::1"}
    assert [str(net) for net in env_networks("APPLIANCE_TRUSTED_PROXIES", environ=environ)] == [
        "127.0.0.1/32", "10.0.0.0/8", "::1/128"]


def test_a_mistyped_setting_stops_the_process():
    with pytest.raises(EnvError, match="APPLIANCE_TRUSTED_PROXIES: 'localhost' is not an IP address"):
        env_networks("APPLIANCE_TRUSTED_PROXIES", environ={"APPLIANCE_TRUSTED_PROXIES": "localhost"})


@pytest.mark.parametrize("kind", ["http", "websocket"])
def test_the_asgi_middleware_rewrites_the_scope_of_both_protocols(kind):
    seen = {}

    async def application(scope, receive, send):
        seen.update(scope)

    scope = {"type": kind, "client": ("127.0.0.1", 5555), "headers": [(b"x-forwarded-for", b"203.0.113.9")]}
    async_to_sync(TrustedProxyClient(application, LOOPBACK))(scope, None, None)

    assert seen["client"] == ("203.0.113.9", 0)

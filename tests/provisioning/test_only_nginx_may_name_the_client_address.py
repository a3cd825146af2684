"""nginx overwrites X-Forwarded-For with the address it sees, and the app believes the header
only from nginx's address: a client cannot pick its address to dodge or aim the login lockout."""
import re

from test_appliance_env_matches_the_contract import read_env_file

from appliance.plumbing.env import env_networks


def test_nginx_overwrites_x_forwarded_for_in_every_proxied_location(rendered):
    config = (rendered / "whisper-appliance.conf").read_text()
    values = re.findall(r"proxy_set_header X-Forwarded-For (\S+);", config)
    assert values and set(values) == {"$remote_addr"}
    assert "$proxy_add_x_forwarded_for" not in config


def test_the_app_trusts_the_header_from_the_loopback_only(rendered):
    environ = read_env_file(rendered / "appliance.env")
    trusted = env_networks("APPLIANCE_TRUSTED_PROXIES", environ=environ)
    assert [str(network) for network in trusted] == ["127.0.0.1/32", "::1/128"]


def test_daphne_does_not_believe_forwarded_headers_itself(rendered, read_unit):
    command = read_unit(rendered / "whisper-appliance-web.service")["ExecStart"][0]
    assert "--proxy-headers" not in command

"""Item 3 of issue 19 against a real `make run` tree (no proxy in front): a client that names a
new X-Forwarded-For address with every guess is still one address, so it is locked out after
the per-address limit, and never in a colleague's name."""
import urllib.parse

import pytest

from lxc.e2e_checks import Client

pytestmark = pytest.mark.slow


def attempt(tree, password, forged_address):
    client = Client(tree.url)
    client.request("GET", "/accounts/login/")
    form = urllib.parse.urlencode({"username": "admin", "password": password,
                                   "csrfmiddlewaretoken": client.cookie("csrftoken")}).encode()  # fmt: skip
    headers = {**client.form_headers("application/x-www-form-urlencoded"), "X-Forwarded-For": forged_address}
    return client.request("POST", "/accounts/login/", form, headers)[0]


def test_rotating_forged_addresses_still_ends_in_a_lockout(make_run_tree):
    from make_run_tree import ADMIN_PASSWORD

    tree = make_run_tree
    try:
        statuses = [attempt(tree, "wrong guess", f"203.0.113.{number}") for number in range(1, 6)]

        assert statuses == [200] * 5
        assert attempt(tree, ADMIN_PASSWORD, "198.51.100.77") == 429
    finally:
        tree.manage("unlock_login", "--all")
    assert attempt(tree, ADMIN_PASSWORD, "198.51.100.78") == 302

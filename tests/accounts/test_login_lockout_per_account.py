"""Guessing one account from ever new addresses is stopped too (per account, from every address),
without letting a stranger lock its owner out of the browser they always use, and an admin can
lift any lockout from the console (`manage.py unlock_login`)."""
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_failed_logins(redis_url, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 6


def log_out_keeping_cookies(client):
    # Client.logout() drops every cookie; a person logging out keeps the browser's others.
    del client.cookies["sessionid"]


def log_in(username, password, address, client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def guess_from_many_addresses(username, times):
    for number in range(times):
        assert log_in(username, "guess", f"203.0.113.{number + 1}").status_code == 200


def test_guesses_from_rotating_addresses_lock_the_account(staff_user, user_password):
    guess_from_many_addresses("staff-sam", 6)

    response = log_in("staff-sam", user_password, "198.51.100.99")

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_the_owners_usual_browser_still_logs_in_while_the_account_is_locked(staff_user, user_password):
    usual_browser = Client()
    assert log_in("staff-sam", user_password, "192.0.2.10", client=usual_browser).status_code == 302
    log_out_keeping_cookies(usual_browser)
    guess_from_many_addresses("staff-sam", 6)

    assert log_in("staff-sam", user_password, "192.0.2.10", client=usual_browser).status_code == 302
    assert log_in("staff-sam", user_password, "192.0.2.11").status_code == 429


def test_a_known_browser_cookie_is_worth_nothing_for_another_account(staff_user, other_staff_user, user_password):
    browser = Client()
    log_in("staff-sam", user_password, "192.0.2.10", client=browser)
    log_out_keeping_cookies(browser)
    guess_from_many_addresses("staff-olga", 6)

    assert log_in("staff-olga", user_password, "192.0.2.10", client=browser).status_code == 429


def test_a_forged_known_browser_cookie_is_ignored(staff_user, user_password):
    from appliance.accounts.known_browser import COOKIE_NAME

    guess_from_many_addresses("staff-sam", 6)
    forger = Client()
    forger.cookies[COOKIE_NAME] = "staff-sam:forged-signature"

    assert log_in("staff-sam", user_password, "192.0.2.12", client=forger).status_code == 429


def test_unlock_login_lifts_the_lock_of_an_account_from_the_console(staff_user, user_password, capsys):
    guess_from_many_addresses("staff-sam", 6)

    call_command("unlock_login", "staff-sam")

    assert "Unlocked account 'staff-sam'" in capsys.readouterr().out
    assert log_in("staff-sam", user_password, "198.51.100.99").status_code == 302


def test_unlock_login_lifts_the_lock_of_an_address(staff_user, user_password, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for name in ("alice", "bob", "carol"):
        log_in(name, "guess", "203.0.113.50")
    assert log_in("staff-sam", user_password, "203.0.113.50").status_code == 429

    call_command("unlock_login", "--address", "203.0.113.50")

    assert log_in("staff-sam", user_password, "203.0.113.50").status_code == 302


def test_unlock_login_all_forgets_every_failure(staff_user, other_staff_user, user_password):
    guess_from_many_addresses("staff-sam", 6)
    guess_from_many_addresses("staff-olga", 6)

    call_command("unlock_login", "--all")

    assert log_in("staff-sam", user_password, "198.51.100.1").status_code == 302
    assert log_in("staff-olga", user_password, "198.51.100.2").status_code == 302


def test_unlock_login_wants_exactly_one_kind_of_target():
    with pytest.raises(CommandError, match="Name an account, an --address, or give --all"):
        call_command("unlock_login")
    with pytest.raises(CommandError):
        call_command("unlock_login", "staff-sam", "--all")


def test_the_account_lock_counts_as_locked_and_unlock_username_names_the_addresses(staff_user):
    from appliance.accounts import throttle

    guess_from_many_addresses("staff-sam", 6)

    assert throttle.is_username_locked_out("staff-sam")
    assert len(throttle.unlock_username("staff-sam")) == 6
    assert not throttle.is_username_locked_out("staff-sam")

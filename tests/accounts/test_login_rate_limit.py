"""Failed logins are limited per user and address, in Redis, so guessing stops even with the
right password; other users and other addresses are not locked out with the guesser."""
import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_failed_logins(redis_url):
    from django.core.cache import cache

    cache.clear()


def log_in(username, password, address="203.0.113.5"):
    return Client(REMOTE_ADDR=address).post(reverse("accounts:login"), {"username": username, "password": password})


def test_after_five_failures_even_the_right_password_is_refused_with_429(staff_user, user_password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS):
        assert log_in("staff-sam", "guess").status_code == 200

    response = log_in("staff-sam", user_password)

    assert response.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in response.content.decode()


def test_the_same_user_from_another_address_can_still_log_in(staff_user, user_password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS):
        log_in("staff-sam", "guess")

    assert log_in("staff-sam", user_password, address="198.51.100.7").status_code == 302


def test_another_user_from_the_same_address_is_not_locked_out(staff_user, other_staff_user, user_password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS):
        log_in("staff-sam", "guess")

    assert log_in("staff-olga", user_password).status_code == 302


def test_one_address_trying_many_user_names_is_stopped_too(staff_user, user_password, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for name in ("alice", "bob", "carol"):
        log_in(name, "guess")

    assert log_in("staff-sam", user_password).status_code == 429


def test_a_successful_login_clears_the_count(staff_user, user_password, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS - 1):
        log_in("staff-sam", "guess")
    assert log_in("staff-sam", user_password).status_code == 302

    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS - 1):
        log_in("staff-sam", "guess")
    assert log_in("staff-sam", user_password).status_code == 302

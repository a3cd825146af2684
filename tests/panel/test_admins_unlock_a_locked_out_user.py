"""A user locked out by failed logins can be let in again by an admin from the Users page, at
once, from every address the user tried; the unlock is audited."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from appliance.accounts.services import is_locked_out, unlock_user
from appliance.panel.models import AuditLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_failed_logins(redis_url):
    cache.clear()


def log_in(username, password, address):
    return Client(REMOTE_ADDR=address).post(reverse("accounts:login"), {"username": username, "password": password})


def lock_out(user, settings, *addresses):
    for address in addresses:
        for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS):
            log_in(user.username, "guess", address)


def test_the_users_page_shows_the_lock_and_unlock_lets_the_user_in(admin_client, staff_user, user_password, settings):
    lock_out(staff_user, settings, "203.0.113.5", "198.51.100.7")
    assert log_in(staff_user.username, user_password, "203.0.113.5").status_code == 429

    page = admin_client.get(reverse("panel:users")).content.decode()
    assert "locked out" in page and reverse("panel:user-unlock", args=[staff_user.pk]) in page

    response = admin_client.post(reverse("panel:user-unlock", args=[staff_user.pk]), follow=True)

    assert f"{staff_user.username} may log in again now." in response.content.decode()
    assert not is_locked_out(staff_user)
    assert log_in(staff_user.username, user_password, "203.0.113.5").status_code == 302
    assert log_in(staff_user.username, user_password, "198.51.100.7").status_code == 302
    entry = AuditLogEntry.objects.get(action="user.unlock")
    assert entry.target == staff_user.username
    assert sorted(entry.after["addresses"]) == ["198.51.100.7", "203.0.113.5"]


def test_unlock_also_clears_the_lock_on_an_address_that_tried_many_names(staff_user, user_password, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for name in ("alice", "bob", staff_user.username):
        log_in(name, "guess", "203.0.113.9")
    assert log_in(staff_user.username, user_password, "203.0.113.9").status_code == 429

    assert unlock_user(staff_user) == ["203.0.113.9"]

    assert log_in(staff_user.username, user_password, "203.0.113.9").status_code == 302


def test_an_account_that_is_not_locked_shows_no_unlock_button(admin_client, staff_user):
    assert "user-unlock" not in admin_client.get(reverse("panel:users")).content.decode()
    assert reverse("panel:user-unlock", args=[staff_user.pk]) not in admin_client.get(reverse("panel:users")).content.decode()


def test_staff_cannot_unlock_anyone(staff_client, other_staff_user):
    assert staff_client.post(reverse("panel:user-unlock", args=[other_staff_user.pk])).status_code == 403

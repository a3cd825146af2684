"""Admins create, disable and re-role accounts and reset passwords; nobody can lock the
appliance out of its last admin; every change is audited without the password."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from appliance.panel.models import AuditLogEntry


def shown_password(page, username):
    match = re.search(rf"New password for {re.escape(username)}: (\S+) ", page)
    assert match, "the generated password was not shown"
    return match.group(1)


@pytest.mark.django_db
def test_an_admin_creates_a_user_with_a_generated_password_shown_once(admin_client, client):
    response = admin_client.post(reverse("panel:users"), {"username": "newbie", "email": "n@example.test",
                                                          "role": "staff", "password": ""}, follow=True)
    password = shown_password(response.content.decode(), "newbie")

    assert client.login(username="newbie", password=password)
    assert "New password for newbie" not in admin_client.get(reverse("panel:users")).content.decode()
    entry = AuditLogEntry.objects.get(action="user.create")
    assert entry.after == {"username": "newbie", "email": "n@example.test", "role": "staff", "active": True}
    assert password not in str(entry.after) + entry.summary


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_no_user_is_created(admin_client):
    response = admin_client.post(reverse("panel:users"), {"username": "weak", "role": "staff", "password": "1234"})

    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_a_disabled_user_is_logged_out_and_cannot_log_in(admin_client, staff_user, staff_client, user_password,
                                                         client):
    admin_client.post(reverse("panel:user-active", args=[staff_user.pk]), {})

    assert staff_client.get(reverse("webui:jobs")).status_code == 302
    assert not client.login(username=staff_user.username, password=user_password)
    entry = AuditLogEntry.objects.get(action="user.disable")
    assert (entry.before["active"], entry.after["active"]) == (True, False)


@pytest.mark.django_db
def test_promoting_a_staff_member_opens_the_panel_to_them(admin_client, staff_user, staff_client):
    admin_client.post(reverse("panel:user-role", args=[staff_user.pk]), {"role": "admin"})

    assert staff_client.get(reverse("panel:index")).status_code == 200
    assert AuditLogEntry.objects.get(action="user.role").summary == "staff-sam: role staff → admin"


@pytest.mark.django_db
def test_a_password_reset_replaces_the_old_password(admin_client, staff_user, user_password, client):
    response = admin_client.post(reverse("panel:user-password", args=[staff_user.pk]), {}, follow=True)
    password = shown_password(response.content.decode(), staff_user.username)

    assert not client.login(username=staff_user.username, password=user_password)
    assert client.login(username=staff_user.username, password=password)
    assert AuditLogEntry.objects.filter(action="user.password", target=staff_user.username).count() == 1


@pytest.mark.django_db
def test_the_last_admin_can_neither_be_disabled_nor_demoted(admin_client, admin_user):
    disabled = admin_client.post(reverse("panel:user-active", args=[admin_user.pk]), {}, follow=True)
    demoted = admin_client.post(reverse("panel:user-role", args=[admin_user.pk]), {"role": "staff"}, follow=True)

    assert "You cannot disable your own account." in disabled.content.decode()
    assert "You cannot take away your own admin role" in demoted.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == "admin"
    assert not AuditLogEntry.objects.exists()

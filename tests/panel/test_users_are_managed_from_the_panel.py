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


@pytest.mark.django_db
def test_setting_ones_own_role_to_staff_is_refused_even_for_a_superuser(admin_client, admin_user, staff_user):
    admin_client.post(reverse("panel:user-role", args=[staff_user.pk]), {"role": "admin"})  # not the last admin
    admin_user.refresh_from_db()
    assert admin_user.is_superuser

    page = admin_client.post(reverse("panel:user-role", args=[admin_user.pk]), {"role": "staff"}, follow=True)

    assert "You cannot take away your own admin role" in page.content.decode()
    assert "is now Staff" not in page.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == "admin" and admin_user.is_superuser and admin_user.is_admin


@pytest.mark.django_db
def test_demoting_another_superuser_takes_every_right_away(admin_client, admin_user, user_password, client):
    other = get_user_model().objects.create_superuser("root2", password=user_password)
    assert other.role == "admin" and other.is_superuser

    page = admin_client.post(reverse("panel:user-role", args=[other.pk]), {"role": "staff"}, follow=True)

    assert "root2 is now Staff" in page.content.decode()
    other.refresh_from_db()
    assert other.role == "staff" and not other.is_superuser and not other.is_staff and not other.is_admin
    client.login(username="root2", password=user_password)
    assert client.get(reverse("panel:index")).status_code == 403

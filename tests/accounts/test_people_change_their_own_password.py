"""Everyone can change their own password (the old one is asked for); the session stays logged
in, and the new password is the one that works from then on."""
import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a much longer new passphrase 77"


def test_a_staff_member_changes_the_password_and_stays_logged_in(staff_client, staff_user, user_password):
    response = staff_client.post(reverse("accounts:password"), {
        "old_password": user_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)

    assert "Your password was changed." in response.content.decode()
    assert staff_client.get(reverse("webui:jobs")).status_code == 200
    staff_user.refresh_from_db()
    assert staff_user.check_password(NEW_PASSWORD) and not staff_user.check_password(user_password)


def test_a_wrong_current_password_changes_nothing(staff_client, staff_user, user_password):
    response = staff_client.post(reverse("accounts:password"), {
        "old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.check_password(user_password)


def test_a_weak_new_password_is_refused_with_the_rules(staff_client, user_password):
    html = staff_client.post(reverse("accounts:password"), {
        "old_password": user_password, "new_password1": "12345678", "new_password2": "12345678"}).content.decode()

    assert "This password is too common." in html


def test_the_page_is_linked_from_the_user_name_in_the_top_bar(staff_client):
    html = staff_client.get("/").content.decode()
    assert f'href="{reverse("accounts:password")}"' in html and f'href="{reverse("tokens:index")}"' in html


def test_anonymous_visitors_are_sent_to_the_login_page():
    assert Client().get(reverse("accounts:password")).status_code == 302

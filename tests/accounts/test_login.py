import pytest
from django.urls import reverse


@pytest.fixture(autouse=True)
def forget_failed_logins(redis_url):
    from django.core.cache import cache

    cache.clear()


def test_a_staff_member_logs_in_with_the_right_password(client, staff_user, user_password):
    response = client.post(reverse("accounts:login"), {"username": "staff-sam", "password": user_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("webui:upload")


def test_a_wrong_password_shows_the_form_again_with_an_error(client, staff_user):
    response = client.post(reverse("accounts:login"), {"username": "staff-sam", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_logging_out_ends_the_session(staff_client):
    response = staff_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("webui:jobs")).status_code == 302

"""The Updates page is for administrators only."""

import pytest

pytestmark = pytest.mark.django_db


def test_staff_members_get_a_403(staff_client):
    assert staff_client.get("/panel/updates/").status_code == 403
    assert staff_client.post("/panel/updates/apply").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/panel/updates/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login")


def test_an_installation_without_the_updater_says_so(admin_client, settings, monkeypatch):
    settings.UPDATER_CONFIG = None
    monkeypatch.delenv("APPLIANCE_UPDATER_CONFIG", raising=False)
    monkeypatch.delenv("APPLIANCE_RELEASE_ROOT", raising=False)

    response = admin_client.get("/panel/updates/")

    assert response.status_code == 200
    assert "this installation is not managed by the updater" in response.content.decode()

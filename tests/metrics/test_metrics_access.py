import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_anonymous_scrapers_are_refused(client):
    response = client.get("/metrics")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"whisper_appliance" not in response.content


def test_staff_members_are_refused(staff_client):
    assert staff_client.get("/metrics").status_code == 403


def test_admins_may_look(admin_client):
    response = admin_client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_total_by_method" in response.content


def test_the_metrics_token_lets_prometheus_in(metrics_token):
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {metrics_token}")

    assert response.status_code == 200
    assert b"whisper_appliance_jobs" in response.content


def test_a_wrong_metrics_token_is_refused(metrics_token):
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 401


def test_without_a_configured_token_no_bearer_gets_in(settings):
    settings.METRICS_TOKEN = None

    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401

"""/healthz tells anybody whether the appliance is well (ok/degraded, 200/503) and nothing more:
which hosts, process ids and models run is for admins, API tokens and the metrics token."""
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_anonymous_caller_sees_only_the_status(client, celery_worker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_anonymous_caller_sees_degraded_without_the_reason(client):
    from appliance.plumbing.redis_client import get_redis
    from appliance.runtime import presence

    for key in get_redis().scan_iter(match=presence.KEY_PREFIX + "*"):
        get_redis().delete(key)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


def test_a_staff_session_sees_only_the_status(staff_client, celery_worker):
    assert staff_client.get("/healthz").json() == {"status": "ok"}


def test_an_admin_sees_every_check(admin_client, celery_worker):
    body = admin_client.get("/healthz").json()

    assert body["worker"]["ok"] and body["worker"]["workers"] and "tiny.en" in body["loaded_models"]


def test_an_api_token_sees_every_check(client, staff_user, celery_worker):
    from appliance.tokens.services import create_token

    _, plain = create_token(staff_user, "monitoring")
    body = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {plain}").json()

    assert body["database"]["ok"] and body["worker"]["count"] >= 1


def test_the_metrics_token_sees_every_check(client, settings, celery_worker):
    settings.METRICS_TOKEN = "scrape-secret-0123456789"

    body = client.get("/healthz", HTTP_AUTHORIZATION="Bearer scrape-secret-0123456789").json()

    assert body["redis"]["ok"]


def test_a_wrong_bearer_sees_only_the_status(client, celery_worker):
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer nothing-we-know").json() == {"status": "ok"}

import pytest


@pytest.mark.django_db(transaction=True)
def test_health_is_green_with_database_redis_and_a_worker_and_names_the_loaded_models(admin_client, celery_worker):
    response = admin_client.get("/healthz")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"] and body["worker"]["ok"]
    assert body["worker"]["count"] >= 1
    assert "tiny.en" in body["loaded_models"]


@pytest.mark.django_db
def test_health_is_503_without_a_worker_and_says_why(admin_client):
    from appliance.runtime import presence
    from appliance.plumbing.redis_client import get_redis

    # Workers killed by earlier tests leave their heartbeat until its TTL runs out.
    for key in get_redis().scan_iter(match=presence.KEY_PREFIX + "*"):
        get_redis().delete(key)

    response = admin_client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["worker"] == {"ok": False, "error": f"RuntimeError: no worker heartbeat in the last {presence.TTL_SECONDS} seconds"}
    assert response.json()["database"]["ok"] and response.json()["redis"]["ok"]


@pytest.mark.django_db
def test_health_needs_no_login(client):
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/healthz")["Content-Type"] == "application/json"

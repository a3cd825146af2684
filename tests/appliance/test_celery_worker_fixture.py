import pytest


@pytest.mark.django_db(transaction=True)
def test_the_test_worker_answers_a_ping_over_the_real_broker(celery_worker):
    from appliance.celery import app

    replies = app.control.ping(destination=[celery_worker.hostname], timeout=5)
    assert replies and celery_worker.hostname in replies[0]

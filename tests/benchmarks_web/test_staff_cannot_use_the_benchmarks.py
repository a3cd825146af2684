import pytest
from django.urls import reverse

from .conftest import PRELOAD

pytestmark = pytest.mark.django_db


def test_staff_get_403_on_every_benchmark_page(staff_client, store_run):
    run = store_run({"preload": PRELOAD})

    for url in (reverse("benchmarks:index"), reverse("benchmarks:run", args=[run.pk]),
                reverse("benchmarks:run-status", args=[run.pk]), reverse("benchmarks:export", args=[run.pk, "json"])):
        assert staff_client.get(url).status_code == 403, url
    assert staff_client.post(reverse("benchmarks:index"), {"suites": ["preload"]}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("benchmarks:index"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

import pytest
from django.urls import reverse

from benchmarks.web import services

from .conftest import BASELINE

pytestmark = pytest.mark.django_db


def test_a_figure_worse_than_the_default_margin_is_a_regression(admin_client, store_run):
    store_run({"baseline": BASELINE}, minutes_ago=10)
    worse = store_run({"baseline": {**BASELINE, "baseline_throughput_x_realtime": 24.0}})

    warnings = services.regressions(worse)

    assert [(w["figure"], w["worse_percent"], w["margin_source"]) for w in warnings] == [
        ("baseline_throughput_x_realtime", 20.0, "default")]
    page = admin_client.get(reverse("benchmarks:run", args=[worse.pk])).content.decode()
    assert "Regressions" in page and "baseline_throughput_x_realtime: 30.0 → 24.0" in page


def test_a_change_within_the_measured_noise_is_not_a_regression(store_run):
    store_run({"baseline": BASELINE}, minutes_ago=10, noise_percent=25.0)
    noisy = store_run({"baseline": {**BASELINE, "baseline_throughput_x_realtime": 24.0}}, noise_percent=25.0)

    assert services.regressions(noisy) == []


def test_lower_is_better_figures_regress_when_they_grow(store_run):
    store_run({"baseline": BASELINE}, minutes_ago=10)
    heavier = store_run({"baseline": {**BASELINE, "baseline_peak_rss_mb": 1000, "baseline_model_load_seconds": 1.0}})

    assert [w["figure"] for w in services.regressions(heavier)] == ["baseline_peak_rss_mb"]

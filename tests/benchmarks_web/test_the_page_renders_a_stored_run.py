import pytest
from django.urls import reverse

from .conftest import BASELINE, ENGINE, PRELOAD

pytestmark = pytest.mark.django_db


def test_the_landing_page_lists_the_suites_with_their_descriptions(admin_client):
    response = admin_client.get(reverse("benchmarks:index"))

    assert response.status_code == 200
    page = response.content.decode()
    for suite in ("baseline", "preload", "engine"):
        assert f'value="{suite}"' in page
    assert "Bare faster-whisper BatchedInferencePipeline in a fresh process" in page


def test_a_stored_run_shows_targets_costs_figures_and_the_chart(admin_client, store_run):
    store_run({"baseline": BASELINE, "engine": ENGINE}, minutes_ago=5)
    run = store_run({"baseline": BASELINE, "engine": ENGINE, "preload": PRELOAD})

    response = admin_client.get(reverse("benchmarks:run", args=[run.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Engine memory" in page and "&lt;= 1.1 x" in page
    assert "+5.0 %" in page  # memory cost: 1.05x the bare process
    assert "not measured" in page  # no jobs suite in this run
    assert "Engine transcribe()" in page and "2.0 %" in page  # 29.4 vs 30.0 x real time
    assert "baseline_peak_rss_mb" in page and "baseline runs" in page
    assert page.count('<svg class="bench-chart"') == 2
    assert "Regressions" not in page


def test_the_status_endpoint_reports_progress(admin_client, store_run):
    run = store_run({"preload": PRELOAD})

    state = admin_client.get(reverse("benchmarks:run-status", args=[run.pk])).json()

    assert state == {"id": run.pk, "status": "done", "status_label": "Done", "progress": 1.0, "current_suite": "",
                     "current_step": "", "finished_suites": ["preload"], "suites": ["preload"], "error": "",
                     "finished": True, "cancel_requested": False}


def test_a_run_exports_as_json_and_markdown(admin_client, store_run):
    run = store_run({"baseline": BASELINE, "preload": PRELOAD})

    exported = admin_client.get(reverse("benchmarks:export", args=[run.pk, "json"]))
    markdown = admin_client.get(reverse("benchmarks:export", args=[run.pk, "md"]))

    assert exported["Content-Type"] == "application/json"
    document = exported.json()
    assert document["results"]["baseline"]["summary"] == BASELINE
    preload_target = next(row for row in document["targets"] if row["suite"] == "preload")
    assert preload_target["seed_passed"] is True
    text = markdown.content.decode()
    assert text.startswith(f"# Benchmark run {run.pk}\n")
    assert "## baseline" in text and "| baseline_throughput_x_realtime | 30 |" in text
    assert "| Model preload |" in text and "PASS" in text

"""The benchmark pages as a person reads them: figure labels in words (the key stays in a tooltip),
each label in one grid cell with its value, one navigation entry highlighted, and the history as a
table until there are two runs a chart could compare."""
import re

import pytest
from django.urls import reverse

from benchmarks.web.templatetags.benchmark_labels import figure_label

from .conftest import BASELINE, ENGINE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key, label", [
    ("job_throughput_x_realtime", "Job throughput (× real time)"),
    ("throughput_ratio_job_to_bare", "Throughput ratio job to bare"),
    ("baseline_peak_rss_mb", "Baseline peak RSS (MB)"),
    ("queue_wer_jobs_bare", "Queue WER jobs / bare"),
    ("tls_overhead_percent_keep_alive", "TLS overhead keep alive (%)"),
    ("preloaded_first_request_seconds", "Preloaded first request (s)"),
    ("1x batched: commit p50 / p95 s", "1x batched: commit p50 / p95 s"),
])
def test_figure_keys_read_as_words_with_their_unit(key, label):
    assert figure_label(key) == label


def test_the_run_page_shows_readable_labels_each_with_its_value_in_one_cell(admin_client, store_run):
    run = store_run({"engine": ENGINE})

    page = admin_client.get(reverse("benchmarks:run", args=[run.pk])).content.decode()

    assert '<dt title="engine_throughput_x_realtime">Engine throughput (× real time)</dt><dd>29.4</dd>' in page
    facts = re.findall(r'<dl class="facts bench-facts">(.*?)</dl>', page, re.S)
    assert facts and all(re.fullmatch(r"\s*(<div[^>]*>\s*<dt.*?</dd>\s*</div>\s*)+", block, re.S) for block in facts)


def test_only_the_benchmarks_entry_is_highlighted_on_the_benchmark_page(admin_client):
    page = admin_client.get(reverse("benchmarks:index")).content.decode()

    assert re.findall(r'class="active" aria-current="page">([^<]+)<', page) == ["Benchmarks"]


def test_one_run_shows_the_history_table_and_no_chart_two_runs_show_the_charts(admin_client, store_run):
    store_run({"baseline": BASELINE}, minutes_ago=5)
    page = admin_client.get(reverse("benchmarks:index")).content.decode()
    assert '<svg class="bench-chart"' not in page and "<h2>History</h2>" in page and "#1</a>" in page

    store_run({"baseline": BASELINE})
    page = admin_client.get(reverse("benchmarks:index")).content.decode()
    assert page.count('<svg class="bench-chart"') >= 1

import xml.etree.ElementTree as ElementTree

import pytest

from benchmarks.web import charts

from .conftest import BASELINE, ENGINE, PRELOAD

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def test_throughput_and_latency_are_drawn_across_the_history(store_run):
    runs = [store_run({"baseline": BASELINE, "engine": ENGINE}, minutes_ago=20),
            store_run({"baseline": {**BASELINE, "baseline_throughput_x_realtime": 28.0}}, minutes_ago=10),
            store_run({"baseline": BASELINE, "preload": PRELOAD})]

    throughput, latency = (ElementTree.fromstring(str(chart)) for chart in charts.history_charts(runs))

    assert throughput.find(f"{SVG}title").text == "Throughput across runs"
    lines = throughput.findall(f"{SVG}polyline")
    assert len(lines) == 1  # the engine has one point only: a dot, no line
    assert len(lines[0].get("points").split()) == 3
    assert len(throughput.findall(f"{SVG}circle")) == 4
    assert "first request, preloaded" in ElementTree.tostring(latency, encoding="unicode")


def test_an_empty_history_says_so_instead_of_drawing(store_run):
    chart = charts.line_chart("Throughput across runs", "x real time", [])

    assert "no runs with these figures yet" in str(chart)

"""Request latency with and without the Prometheus middleware (django-prometheus).

Both sides serve the same anonymous page in this process through Django's test client, so the
difference is the middleware's own cost per request, alternated A B, B A ... in one run. The page
is the login form: it touches neither Redis nor a Whisper model, so nothing else varies.
"""
import os
import statistics
import time

from benchmarks.abtest import alternate, compare

NAME = "metrics"
DESCRIPTION = "Request latency with vs without the django-prometheus middleware (in-process, login page)."

FULL_REQUESTS, QUICK_REQUESTS = 2000, 100
FULL_PAIRS, QUICK_PAIRS = 5, 1
PROMETHEUS_MIDDLEWARE = (
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
)


def _setup_django(data_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
    os.environ.setdefault("APPLIANCE_DATA_DIR", str(data_dir))
    import django

    django.setup()


def _subject(with_metrics, requests):
    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    middleware = [entry for entry in settings.MIDDLEWARE if with_metrics or entry not in PROMETHEUS_MIDDLEWARE]

    def run():
        with override_settings(MIDDLEWARE=middleware):
            client = Client(HTTP_HOST="localhost")
            path = reverse("accounts:login")
            client.get(path)  # first request builds the middleware chain: not measured
            latencies = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")
        latencies.sort()
        return {
            "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "requests": requests,
        }
    return run


def run(options):
    requests = options.number("requests", QUICK_REQUESTS if options.quick else FULL_REQUESTS)
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    data_dir = options.work_dir / NAME / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    options.plan(2 * pairs)
    _setup_django(data_dir)
    runs = alternate({"with_metrics": _subject(True, requests), "without_metrics": _subject(False, requests)},
                     pairs, log=options.log, advance=options.advance)
    p50 = compare(runs, "p50_ms", "with_metrics", "without_metrics")
    p95 = compare(runs, "p95_ms", "with_metrics", "without_metrics")
    return {
        "summary": {
            "p50_with_metrics_ms": round(p50["with_metrics_median"], 3),
            "p50_without_metrics_ms": round(p50["without_metrics_median"], 3),
            "p95_with_metrics_ms": round(p95["with_metrics_median"], 3),
            "p95_without_metrics_ms": round(p95["without_metrics_median"], 3),
            "p50_overhead_percent": round(100 * (p50["median_pair_ratio"] - 1), 1),
        },
        "checks": [],
        "tables": [{
            "title": "Runs (alternated)",
            "columns": ["pair", "order", "subject", "p50 ms", "p95 ms", "requests"],
            "rows": [[r["pair"], r["position"], r["label"], round(r["p50_ms"], 3), round(r["p95_ms"], 3),
                      r["requests"]] for r in runs],
        }],
        "settings": {"requests": requests, "pairs": pairs, "page": "accounts:login"},
        "notes": ["In-process (no daphne): the figures isolate the middleware's cost per request.",
                  f"p50 pair ratios with / without: {p50['pair_ratios']}"],
    }

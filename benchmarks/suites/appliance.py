"""The appliance as installed: HTTPS vs plain HTTP through nginx, and the provisioning timings.

Runs inside a provisioned container (lxc/test-local.sh starts it there). The timings that only the
host can take (provisioning, second run, container start -> /healthz 200) come in a JSON file
named by APPLIANCE_E2E_TIMINGS, written by lxc/test-local.sh.
"""
import http.client
import json
import os
import ssl
import statistics
import time

from benchmarks.abtest import alternate, compare

NAME = "appliance"
DESCRIPTION = "HTTPS vs plain HTTP request latency through nginx, provisioning and start-up times (run in the container)."

SEED_MAX_TLS_OVERHEAD = 0.10
GOAL_MAX_PROVISION_SECONDS = 600
FULL_REQUESTS, QUICK_REQUESTS = 300, 60
FULL_PAIRS, QUICK_PAIRS = 5, 3
PATH = "/healthz"


def _latencies(connection_factory, requests, new_connection_each):
    """Seconds per GET /healthz, over one kept-alive connection or a new one per request."""
    samples = []
    connection = None
    for _ in range(requests):
        if connection is None or new_connection_each:
            if connection is not None:
                connection.close()
            connection = connection_factory()
        started = time.perf_counter()
        connection.request("GET", PATH, headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        samples.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"GET {PATH} answered {response.status}")
    connection.close()
    return samples


def _subjects(https_port, http_port, requests, new_connection_each):
    # The appliance's certificate is self-signed: this measures TLS cost, not trust.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    def measure(factory):
        samples = _latencies(factory, requests, new_connection_each)
        return {"median_ms": 1000 * statistics.median(samples), "p95_ms": 1000 * statistics.quantiles(samples, n=20)[18]}

    return {
        "https": lambda: measure(lambda: http.client.HTTPSConnection("127.0.0.1", https_port, context=context, timeout=30)),
        "http": lambda: measure(lambda: http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)),
    }


def _e2e_timings(log):
    path = os.environ.get("APPLIANCE_E2E_TIMINGS", "")
    if not path:
        log("APPLIANCE_E2E_TIMINGS is not set: provisioning timings are not part of this run")
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def run(options):
    requests = options.number("requests", QUICK_REQUESTS if options.quick else FULL_REQUESTS)
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    https_port = options.number("https_port", 443)
    http_port = options.number("http_port", 8088)
    options.plan(4 * pairs)
    kept = alternate(_subjects(https_port, http_port, requests, False), pairs, log=options.log, advance=options.advance)
    fresh = alternate(_subjects(https_port, http_port, max(10, requests // 5), True), pairs, log=options.log,
                      advance=options.advance)
    kept_ratio = compare(kept, "median_ms", "https", "http")
    fresh_ratio = compare(fresh, "median_ms", "https", "http")
    overhead = kept_ratio["median_pair_ratio"] - 1
    timings = _e2e_timings(options.log)

    summary = {
        "https_median_ms": round(kept_ratio["https_median"], 3),
        "http_median_ms": round(kept_ratio["http_median"], 3),
        "tls_overhead_percent_keep_alive": round(100 * overhead, 2),
        "tls_overhead_percent_new_connection": round(100 * (fresh_ratio["median_pair_ratio"] - 1), 2),
        **{name: value for name, value in timings.items()},
    }
    checks = [{
        "name": f"TLS overhead < {SEED_MAX_TLS_OVERHEAD:.0%} on kept-alive connections (seed)",
        "passed": overhead < SEED_MAX_TLS_OVERHEAD,
        "detail": f"median pair ratio {kept_ratio['median_pair_ratio']:.4f} (pairs: {kept_ratio['pair_ratios']})",
    }]
    if timings.get("provision_seconds") is not None:
        checks.append({
            "name": f"provisioning a fresh container <= {GOAL_MAX_PROVISION_SECONDS} s (goal)",
            "passed": timings["provision_seconds"] <= GOAL_MAX_PROVISION_SECONDS,
            "detail": f"{timings['provision_seconds']} s; second run {timings.get('second_run_seconds')} s",
        })
    rows = [[run["pair"], run["position"], run["label"], round(run["median_ms"], 3), round(run["p95_ms"], 3)]
            for run in kept]
    return {
        "summary": summary,
        "checks": checks,
        "tables": [{"title": f"GET {PATH} through nginx, kept-alive connection ({requests} requests per run)",
                    "columns": ["pair", "order", "subject", "median ms", "p95 ms"], "rows": rows}],
    }

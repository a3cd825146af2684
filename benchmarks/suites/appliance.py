"""The appliance as installed: HTTPS vs plain HTTP through nginx, and the provisioning timings.

Runs inside a provisioned container (lxc/test-local.sh starts it there). The timings that only the
host can take (provisioning, second run, container start -> /healthz 200) come in a JSON file
named by APPLIANCE_E2E_TIMINGS, written by lxc/test-local.sh.

The TLS cost on a kept-alive connection is a fraction of a millisecond on a request of about five,
while the machine's own drift between two runs of a second each is as large (a worker still
loading its model after a restart, the host's other work). So HTTPS and HTTP requests take turns
one by one inside each block (https http, http https, ...): whatever slows the machine slows both
sides alike, and the block's ratio of medians is the TLS cost alone. The suite also waits, within a
bound, for the machine to go quiet before it measures, and says how busy it was.
"""
import http.client
import json
import os
import ssl
import statistics
import time

import psutil

from benchmarks.abtest import compare

NAME = "appliance"
DESCRIPTION = "HTTPS vs plain HTTP request latency through nginx, provisioning and start-up times (run in the container)."

SEED_MAX_TLS_OVERHEAD = 0.10
GOAL_MAX_PROVISION_SECONDS = 600
FULL_REQUESTS, QUICK_REQUESTS = 300, 60
FULL_BLOCKS, QUICK_BLOCKS = 5, 3
PATH = "/healthz"
# Quiet enough: the busiest core of the last second below this share. A model that is still loading
# keeps one core at 100 %; the suite waits for it at most QUIET_WAIT_SECONDS, then measures anyway.
QUIET_CPU_PERCENT = 50.0
QUIET_WAIT_SECONDS = 120


def _get(connection):
    """Seconds for one GET /healthz on this connection."""
    started = time.perf_counter()
    connection.request("GET", PATH, headers={"Host": "localhost"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"GET {PATH} answered {response.status}")
    return elapsed


class _Side:
    """One subject: a factory of connections, and whether each request opens a new one."""

    def __init__(self, factory, new_connection_each):
        self.factory, self.new_connection_each = factory, new_connection_each
        self.connection = None

    def get(self):
        if self.connection is None or self.new_connection_each:
            self.close()
            self.connection = self.factory()
        return _get(self.connection)

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _figures(samples):
    return {"median_ms": 1000 * statistics.median(samples), "p95_ms": 1000 * statistics.quantiles(samples, n=20)[18]}


def interleaved_blocks(sides, requests, blocks, advance=None):
    """sides: {label: _Side}, exactly two. Each block sends `requests` to each side, one at a time
    and in turn, the first of every pair swapping with each request. One row per block and side,
    the block numbered as abtest's "pair" so that abtest.compare reads the rows as they are."""
    labels = list(sides)
    if len(labels) != 2:
        raise ValueError("an interleaved A/B run needs exactly two sides")
    rows = []
    try:
        for side in sides.values():  # a first request each, not measured: connection and caches
            side.get()
        for block in range(1, blocks + 1):
            samples = {label: [] for label in labels}
            for index in range(requests):
                for label in (labels if index % 2 == 0 else labels[::-1]):
                    samples[label].append(sides[label].get())
            for label in labels:
                rows.append({"pair": block, "label": label, **_figures(samples[label])})
            if advance:
                advance(f"block {block}/{blocks}: {requests} requests to each side, in turn")
    finally:
        for side in sides.values():
            side.close()
    return rows


def wait_until_quiet(log, limit_seconds=QUIET_WAIT_SECONDS, threshold=QUIET_CPU_PERCENT):
    """Seconds waited until the busiest core of the last second was below `threshold` percent, and
    that busiest share; after `limit_seconds` it gives up waiting (the interleaving still holds)."""
    started = time.monotonic()
    while True:
        busiest = max(psutil.cpu_percent(interval=1.0, percpu=True))
        waited = time.monotonic() - started
        if busiest < threshold or waited >= limit_seconds:
            if busiest >= threshold:
                log(f"the machine is still busy after {waited:.0f} s (a core at {busiest:.0f} %): measuring anyway")
            elif waited > 1.5:
                log(f"the machine went quiet after {waited:.0f} s")
            return round(waited, 1), round(busiest, 1)


def _sides(https_port, http_port, new_connection_each):
    # The appliance's certificate is self-signed: this measures TLS cost, not trust.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return {
        "https": _Side(lambda: http.client.HTTPSConnection("127.0.0.1", https_port, context=context, timeout=30),
                       new_connection_each),
        "http": _Side(lambda: http.client.HTTPConnection("127.0.0.1", http_port, timeout=30), new_connection_each),
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
    blocks = options.number("blocks", QUICK_BLOCKS if options.quick else FULL_BLOCKS)
    https_port = options.number("https_port", 443)
    http_port = options.number("http_port", 8088)
    options.plan(1 + 2 * blocks)
    waited, busiest = wait_until_quiet(options.log, options.number("quiet_wait_seconds", QUIET_WAIT_SECONDS))
    options.advance(f"waited {waited} s for a quiet machine (busiest core {busiest} %)")
    kept = interleaved_blocks(_sides(https_port, http_port, False), requests, blocks, options.advance)
    fresh = interleaved_blocks(_sides(https_port, http_port, True), max(10, requests // 5), blocks, options.advance)
    kept_ratio = compare(kept, "median_ms", "https", "http")
    fresh_ratio = compare(fresh, "median_ms", "https", "http")
    overhead = kept_ratio["median_pair_ratio"] - 1
    timings = _e2e_timings(options.log)

    summary = {
        "https_median_ms": round(kept_ratio["https_median"], 3),
        "http_median_ms": round(kept_ratio["http_median"], 3),
        "tls_overhead_percent_keep_alive": round(100 * overhead, 2),
        "tls_overhead_percent_new_connection": round(100 * (fresh_ratio["median_pair_ratio"] - 1), 2),
        "quiet_wait_seconds": waited,
        "busiest_core_percent_at_start": busiest,
        **{name: value for name, value in timings.items()},
    }
    checks = [{
        "name": f"TLS overhead < {SEED_MAX_TLS_OVERHEAD:.0%} on kept-alive connections (seed)",
        "passed": overhead < SEED_MAX_TLS_OVERHEAD,
        "detail": f"median block ratio {kept_ratio['median_pair_ratio']:.4f} (blocks: {kept_ratio['pair_ratios']})",
    }]
    if timings.get("provision_seconds") is not None:
        checks.append({
            "name": f"provisioning a fresh container <= {GOAL_MAX_PROVISION_SECONDS} s (goal)",
            "passed": timings["provision_seconds"] <= GOAL_MAX_PROVISION_SECONDS,
            "detail": f"{timings['provision_seconds']} s; second run {timings.get('second_run_seconds')} s",
        })
    rows = [[row["pair"], row["label"], round(row["median_ms"], 3), round(row["p95_ms"], 3)] for row in kept]
    return {
        "summary": summary,
        "checks": checks,
        "tables": [{"title": f"GET {PATH} through nginx, kept-alive connections, {requests} requests to each side "
                             "per block, in turn",
                    "columns": ["block", "subject", "median ms", "p95 ms"], "rows": rows}],
    }

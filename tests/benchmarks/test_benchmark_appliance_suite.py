"""The appliance suite against real servers on the loopback: one behind real TLS (a self-signed
certificate, as the appliance makes), one plain. In the container both are nginx; here two small
HTTP/1.1 servers with keep-alive stand in for it, since the suite only needs two ports that answer
GET /healthz. The shape of the result and the turn-taking are checked, never the figures."""
import http.server
import ssl
import threading

import pytest

from appliance.panel.tls import generate_self_signed
from benchmarks.suite_options import SuiteOptions
from benchmarks.suite_runner import run_suite
from benchmarks.suites import appliance


class _Healthz(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx
    status = 200
    seen = None

    def do_GET(self):
        if self.seen is not None:
            self.seen.append(self.server.label)
        body = b'{"status": "ok"}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def servers(tmp_path):
    bundle = generate_self_signed("localhost", "localhost, 127.0.0.1")
    (tmp_path / "cert.pem").write_bytes(bundle.chain_pem)
    (tmp_path / "key.pem").write_bytes(bundle.key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    started = {}
    for label in ("https", "http"):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
        server.label = label
        if label == "https":
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started[label] = server
    yield {label: server.server_address[1] for label, server in started.items()}
    for server in started.values():
        server.shutdown()
        server.server_close()


def _options(servers, **params):
    return SuiteOptions(quick=True, params={"https_port": str(servers["https"]), "http_port": str(servers["http"]),
                                            "quiet_wait_seconds": "1", **params}, log=lambda message: None)


def test_the_suite_measures_https_against_http_in_blocks_and_reports_the_tls_overhead(servers):
    result = run_suite("appliance", _options(servers, requests="20", blocks="3"))

    summary = result["summary"]
    assert summary["https_median_ms"] > 0 and summary["http_median_ms"] > 0
    assert isinstance(summary["tls_overhead_percent_keep_alive"], float)
    assert isinstance(summary["tls_overhead_percent_new_connection"], float)
    assert summary["busiest_core_percent_at_start"] >= 0
    rows = result["tables"][0]["rows"]
    assert [(row[0], row[1]) for row in rows] == [(block, label) for block in (1, 2, 3) for label in ("https", "http")]
    check = result["checks"][0]
    assert check["name"] == "TLS overhead < 10% on kept-alive connections (seed)"
    assert "blocks: [" in check["detail"]


def test_requests_take_turns_so_drift_hits_both_sides(servers, monkeypatch):
    seen = []
    monkeypatch.setattr(_Healthz, "seen", seen)

    rows = appliance.interleaved_blocks(appliance._sides(servers["https"], servers["http"], False), 4, 2)

    assert len(rows) == 4
    # One unmeasured request each, then per block: https http, http https, https http, http https.
    turn = ["https", "http", "http", "https"] * 2
    assert seen == ["https", "http"] + turn + turn


def test_a_healthz_that_is_not_200_stops_the_suite_with_the_status(servers, monkeypatch):
    monkeypatch.setattr(_Healthz, "status", 503)

    with pytest.raises(RuntimeError, match="GET /healthz answered 503"):
        appliance.interleaved_blocks(appliance._sides(servers["https"], servers["http"], False), 4, 1)

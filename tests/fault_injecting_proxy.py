"""FAULT-INJECTING PROXY, for tests only: sits in front of the real llama.cpp server and breaks the
protocol on purpose, so the client's handling of faults is tested against real streams.

Modes: "http-500" (or any "http-<status>") answers that status with an error body; "stall" accepts the request and sends nothing
for `stall_seconds`; "drop-stream" forwards the real stream and cuts the connection after
`events` events, before [DONE]."""
import http.server
import threading
import time
import urllib.request

from servers import free_port


class FaultInjectingProxy:
    def __init__(self, upstream, mode, stall_seconds=5.0, events=3):
        self.upstream, self.mode, self.stall_seconds, self.events = upstream, mode, stall_seconds, events
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._forward(None)

            def do_POST(self):
                self._forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

            def _forward(self, body):
                if proxy.mode.startswith("http-"):
                    self._answer(int(proxy.mode[5:]), b'{"error": {"message": "injected failure"}}')
                    return
                if proxy.mode == "stall":
                    time.sleep(proxy.stall_seconds)
                    return
                headers = {"Content-Type": "application/json"} if body else {}
                request = urllib.request.Request(proxy.upstream + self.path, data=body, headers=headers)
                with urllib.request.urlopen(request, timeout=60) as upstream:
                    self.send_response(upstream.status)
                    self.send_header("Content-Type", upstream.headers.get("Content-Type", "text/event-stream"))
                    self.end_headers()
                    events = 0
                    for line in upstream:
                        self.wfile.write(line)
                        self.wfile.flush()
                        events += line.startswith(b"data:")
                        if proxy.mode == "drop-stream" and events >= proxy.events:
                            self.close_connection = True
                            return  # the connection closes mid-answer, without [DONE]

            def _answer(self, status, payload):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

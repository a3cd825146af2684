"""Checks a provisioned appliance from the outside, over HTTPS through nginx, the way a person and a
program use it. Run by lxc/test-local.sh on the host (the container shares the host's network).

    python lxc/e2e_checks.py --base https://127.0.0.1 --password PW --token TOKEN --speech speech.wav

Prints one PASS/FAIL line per check and exits non-zero when any failed; a failed check does not stop
the others, so one run shows everything that is wrong.
"""
import argparse
import hashlib
import http.cookiejar
import json
import re
import shlex
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import wave

# The appliance's certificate is self-signed until an admin installs one: the checks pin nothing
# and verify nothing, they only look at what the server says.
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE
EXPECTED_WORDS = ("appliance", "transcri")
# Killed one at a time while a job runs (--kill-command): each must come back by itself (Restart=)
# and the job must end "done", run twice only when its own worker died.
KILLED_SERVICES = ("whisper-appliance-worker@0", "whisper-appliance-web", "whisper-appliance-beat",
                   "whisper-appliance-live", "redis-server")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=INSECURE), urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, method, path, data=None, headers=None, timeout=60):
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), "")

    def form_headers(self, content_type):
        return {"Content-Type": content_type, "X-CSRFToken": self.cookie("csrftoken"), "Referer": self.base + "/"}


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, (filename, content, content_type) in files.items():
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: {content_type}\r\n\r\n").encode() + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def served_certificate_fingerprint(base):
    host = urllib.parse.urlsplit(base).hostname
    port = urllib.parse.urlsplit(base).port or 443
    der = ssl.get_server_certificate((host, port))
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(der)).hexdigest()


class Checks:
    def __init__(self, args):
        self.args = args
        self.client = Client(args.base)
        self.failures = []

    def run(self, name, check):
        try:
            detail = check()
        except Exception as error:  # every failure is reported, the next check still runs
            self.failures.append(name)
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
        else:
            print(f"PASS {name}{': ' + detail if detail else ''}", flush=True)

    # -- the checks ----------------------------------------------------------------------------
    def healthz(self):
        status, _, body = self.client.request("GET", "/healthz")
        assert status == 200, f"HTTP {status}: {body[:300]!r}"
        return json.loads(body).get("status", "")

    def http_redirects_to_https(self):
        plain = self.args.base.replace("https://", "http://", 1)
        status, headers, _ = Client(plain).request("GET", "/accounts/login/")
        location = headers.get("Location", "")
        assert status == 301 and location.startswith("https://"), f"HTTP {status} Location={location!r}"
        return location

    def security_headers(self):
        _, headers, _ = self.client.request("GET", "/accounts/login/")
        wanted = ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy")
        missing = [name for name in wanted if name not in headers]
        assert not missing, f"missing {missing}"

    def static_files_from_nginx(self):
        status, _, body = self.client.request("GET", "/accounts/login/")
        match = re.search(rb'href="(/static/[^"]+\.css)"', body)
        assert match, "the login page links no stylesheet under /static/"
        status, headers, _ = self.client.request("GET", match.group(1).decode())
        assert status == 200, f"{match.group(1).decode()}: HTTP {status}"
        return match.group(1).decode()

    def login(self):
        status, _, _ = self.client.request("GET", "/accounts/login/")
        assert status == 200, f"login page HTTP {status}"
        body = urllib.parse.urlencode({
            "username": "admin", "password": self.args.password,
            "csrfmiddlewaretoken": self.client.cookie("csrftoken"),
        }).encode()
        status, headers, _ = self.client.request(
            "POST", "/accounts/login/", body, self.client.form_headers("application/x-www-form-urlencoded"))
        assert status == 302 and self.client.cookie("sessionid"), f"HTTP {status}, no session"
        return headers.get("Location", "")

    def upload(self, path, **options):
        with open(path, "rb") as handle:
            audio = handle.read()
        body, content_type = multipart({"model": "tiny.en", **options}, {"files": ("speech.wav", audio, "audio/wav")})
        status, _, answer = self.client.request("POST", "/api/jobs/", body, self.client.form_headers(content_type))
        assert status == 201, f"upload HTTP {status}: {answer[:300]!r}"
        return json.loads(answer)["jobs"][0]

    def status_of(self, path):
        """(status, body), or (None, b"") while the web service restarts (502 or no connection)."""
        try:
            status, _, body = self.client.request("GET", path, timeout=10)
        except OSError:
            return None, b""
        return status, body

    def job_until(self, job, condition, seconds=300):
        deadline = time.monotonic() + seconds
        while not condition(job) and time.monotonic() < deadline:
            time.sleep(1)
            status, body = self.status_of(job["api_url"])
            if status == 200:
                job = json.loads(body)
        return job

    def transcript(self, job):
        job = self.job_until(job, lambda row: row["status"] in ("done", "failed", "cancelled"))
        assert job["status"] == "done", f"job ended {job['status']}: {job.get('error')}"
        status, _, text = self.client.request("GET", f"{job['api_url']}download/txt")
        assert status == 200, f"download HTTP {status}"
        transcript = text.decode().strip()
        assert any(word in transcript.lower() for word in EXPECTED_WORDS), f"transcript {transcript!r}"
        return job, transcript

    def upload_and_transcript(self):
        return self.transcript(self.upload(self.args.speech))[1]

    def speakers_with_the_installed_model(self):
        """Diarization in the container: the speaker weights provisioning assembled into the data
        dir (they are not in git) load, and every segment of the JSON export names its speaker."""
        job, _ = self.transcript(self.upload(self.args.speech, diarize="true", cache="false"))
        status, _, exported = self.client.request("GET", f"{job['api_url']}download/json")
        assert status == 200, f"JSON export HTTP {status}"
        segments = json.loads(exported)["segments"]
        assert segments and all(segment.get("speaker") for segment in segments), f"segments {segments[:2]!r}"
        return f"{len(segments)} segments, speakers {sorted({segment['speaker'] for segment in segments})}"

    def services_come_back_and_the_job_completes_once(self):
        """Kill each service with SIGKILL while a job runs: it restarts, the job ends done, once."""
        timings = []
        for unit in KILLED_SERVICES:
            # cache=false: the same file again would otherwise be answered from the earlier run at once.
            job = self.upload(self.args.long_speech or self.args.speech, batch_size="1", cache="false")
            job = self.job_until(job, lambda row: row["status"] != "queued" and row["progress"] > 0, seconds=120)
            assert job["status"] == "running", f"{unit}: the job was {job['status']} before the kill: use a longer file"
            killed_at = time.monotonic()
            subprocess.run([*shlex.split(self.args.kill_command), unit], check=True, timeout=60)
            deadline = time.monotonic() + 180
            while self.status_of("/healthz")[0] != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            healthy = time.monotonic() - killed_at
            assert healthy < 180, f"{unit}: /healthz not 200 within 180 s of the kill"
            job, _ = self.transcript(job)
            expected_attempts = 2 if unit.startswith("whisper-appliance-worker") else 1
            assert job["attempts"] == expected_attempts, f"{unit}: the job ran {job['attempts']} times"
            timings.append(f"{unit.replace('whisper-appliance-', '')} {healthy:.0f}s")
        return "healthy again after: " + ", ".join(timings)

    def benchmark_page_runs_a_suite(self):
        """One quick engine suite started from the panel's benchmark page, run by the appliance's
        Celery worker (espeak-ng must be installed for its reference speech), followed to the end."""
        status, _, _ = self.client.request("GET", "/panel/benchmarks/")
        assert status == 200, f"benchmark page HTTP {status}"
        body = urllib.parse.urlencode({"suites": "engine", "quick": "on",
                                       "csrfmiddlewaretoken": self.client.cookie("csrftoken")}).encode()
        status, headers, answer = self.client.request(
            "POST", "/panel/benchmarks/", body, self.client.form_headers("application/x-www-form-urlencoded"))
        location = headers.get("Location", "")
        assert status == 302 and "/runs/" in location, f"HTTP {status}: {answer[:300]!r}"
        run_path = urllib.parse.urlsplit(location).path
        deadline, state, steps = time.monotonic() + 900, {}, set()
        while not state.get("finished") and time.monotonic() < deadline:
            time.sleep(2)
            state = json.loads(self.client.request("GET", run_path + "status.json")[2])
            steps.add(state.get("current_step") or "")
        assert state.get("status") == "done", f"run ended {state.get('status')}: {state.get('error')}"
        status, _, exported = self.client.request("GET", run_path + "export.json")
        result = json.loads(exported)["results"]["engine"]
        assert status == 200 and "error" not in result, result.get("error")
        return (f"engine {result['summary']['engine_throughput_x_realtime']}x real time in "
                f"{result['wall_seconds']} s, steps seen: {len(steps - {''})}")

    def live_websocket(self):
        import websocket  # websocket-client, in the dev environment (selenium's dependency)

        url = self.args.base.replace("https://", "wss://", 1) + "/ws/live/"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        socket = websocket.create_connection(url, sslopt={"cert_reqs": ssl.CERT_NONE, "check_hostname": False},
                                             cookie=cookie, origin=self.args.base, timeout=60)

        def next_event():
            frame = socket.recv()
            if not frame:
                raise AssertionError(f"the server closed the WebSocket (close status {socket.status}) after {events}")
            return json.loads(frame)

        events = []
        try:
            socket.send(json.dumps({"type": "start", "model": "tiny.en"}))
            events.append(next_event())
            assert events[0]["type"] == "ready", f"first event {events[0]}"
            with wave.open(self.args.speech) as speech:
                frames = speech.readframes(speech.getnframes())
            chunk = 16000 * 2 // 4  # 250 ms of 16-bit mono 16 kHz
            for start in range(0, len(frames), chunk):
                socket.send_binary(frames[start:start + chunk])
            socket.send(json.dumps({"type": "stop"}))
            text = ""
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                event = next_event()
                events.append(event)
                if event["type"] == "final":
                    text += " " + event.get("text", "")
                if event["type"] in ("saved", "error"):
                    break
            assert events[-1]["type"] == "saved", f"last event {events[-1]}"
            assert any(word in text.lower() for word in EXPECTED_WORDS), f"final text {text!r}"
            return text.strip()
        finally:
            socket.close()

    def openai_endpoint(self):
        with open(self.args.speech, "rb") as handle:
            audio = handle.read()
        body, content_type = multipart({"model": "tiny.en", "response_format": "json"},
                                       {"file": ("speech.wav", audio, "audio/wav")})
        status, _, answer = Client(self.args.base).request(
            "POST", "/v1/audio/transcriptions", body,
            {"Content-Type": content_type, "Authorization": f"Bearer {self.args.token}"}, timeout=300)
        assert status == 200, f"HTTP {status}: {answer[:300]!r}"
        text = json.loads(answer)["text"]
        assert any(word in text.lower() for word in EXPECTED_WORDS), f"text {text!r}"
        return text.strip()

    def tls_page_and_reload(self):
        status, _, body = self.client.request("GET", "/panel/tls/")
        assert status == 200, f"TLS page HTTP {status}"
        before = served_certificate_fingerprint(self.args.base)
        form = urllib.parse.urlencode({
            "common_name": "e2e.whisper.test", "subject_alternative_names": "e2e.whisper.test",
            "key_type": "ecdsa-p256", "csrfmiddlewaretoken": self.client.cookie("csrftoken"),
        }).encode()
        status, _, body = self.client.request(
            "POST", "/panel/tls/generate", form, self.client.form_headers("application/x-www-form-urlencoded"))
        assert status == 302, f"generate HTTP {status}: {body[:300]!r}"
        # The panel answered only after the root reload unit said "ok" (nginx -t passed, nginx
        # reloaded): the new certificate is served now, give or take nginx's graceful switch.
        deadline = time.monotonic() + 5
        while served_certificate_fingerprint(self.args.base) == before and time.monotonic() < deadline:
            time.sleep(0.5)
        assert served_certificate_fingerprint(self.args.base) != before, "nginx still serves the old certificate"
        return "new certificate served once the panel said the reload was done"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="https://127.0.0.1")
    parser.add_argument("--password", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--speech", required=True, help="16 kHz mono 16-bit WAV that says 'appliance' or 'transcription'")
    parser.add_argument("--long-speech", help="a WAV of minutes, for the kill check (default: --speech)")
    parser.add_argument("--kill-command", default="",
                        help="command that SIGKILLs a systemd unit given as its last argument, inside the appliance "
                             "(e.g. 'lxc-attach -n NAME -- systemctl kill --signal=SIGKILL'); enables the kill check")
    parser.add_argument("--only", nargs="*", help="run only these checks")
    args = parser.parse_args(argv)
    checks = Checks(args)
    order = ["healthz", "http_redirects_to_https", "security_headers", "static_files_from_nginx", "login",
             "upload_and_transcript", "speakers_with_the_installed_model", "live_websocket", "openai_endpoint", "benchmark_page_runs_a_suite",
             "tls_page_and_reload"]
    if args.kill_command:
        order.append("services_come_back_and_the_job_completes_once")
    for name in args.only or order:
        checks.run(name, getattr(checks, name))
    print(f"{len(order if not args.only else args.only) - len(checks.failures)} passed, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())

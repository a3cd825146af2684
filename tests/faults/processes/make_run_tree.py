"""`python -m appliance.plumbing.run` (what `make run` starts) as a fault-test subject: its own data
dir, embedded Redis and free port, nothing shared with the test run's database or Redis. The
tests kill its children the way a crash would and talk to it the way people and programs do
(lxc/e2e_checks.Client, the end-to-end test's HTTP client)."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from servers import free_port

from lxc.e2e_checks import Client, multipart

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
ADMIN_PASSWORD = "fault-tests admin password 7"
# Under `make test` on a loaded 2-core machine a cold start (migrate, model load) takes a while.
START_SECONDS = 300
# Settings of the test run that must not leak into the tree: it brings its own.
NOT_INHERITED = ("REDIS_URL", "DATABASE_URL", "APPLIANCE_BEHIND_TLS_PROXY", "APPLIANCE_TRUSTED_PROXIES")


class MakeRunTree:
    def __init__(self, root):
        self.root = Path(root)
        self.data_dir = self.root / "data"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.root / "make-run.log"
        self.env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
        self.env.update(APPLIANCE_DATA_DIR=str(self.data_dir), PORT=str(self.port), PYTHONPATH=str(REPOSITORY_ROOT),
                        APPLIANCE_ADMIN_PASSWORD=ADMIN_PASSWORD)  # fmt: skip
        self.process = None
        self.token = None

    # -- the process tree ------------------------------------------------------------------------
    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "appliance.plumbing.run"], cwd=REPOSITORY_ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        self.wait_for_log(rf"running at http://127\.0\.0\.1:{self.port}/", START_SECONDS)
        self.token = self.manage("create_api_token", "admin", "--name", "fault tests").strip().splitlines()[-1]
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(90)
            except subprocess.TimeoutExpired:
                for child in psutil.Process(self.process.pid).children(recursive=True):
                    child.kill()
                self.process.kill()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern, timeout_seconds, after=0):
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log()[after:])
            if match:
                return match
            if self.process.poll() is not None:
                raise AssertionError(f"make run exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            time.sleep(0.2)
        raise AssertionError(f"make run never logged {pattern!r}:\n{self.log()[-4000:]}")

    def manage(self, *arguments):
        return subprocess.run([sys.executable, "manage.py", *arguments], cwd=REPOSITORY_ROOT, env=self.env,
                              check=True, capture_output=True, text=True).stdout  # fmt: skip

    def children(self, marker=""):
        """The running direct children whose command line contains marker (a child killed a moment
        ago may be a zombie until the supervisor's next look: it does not count)."""
        found = []
        for child in psutil.Process(self.process.pid).children():
            try:
                if marker in " ".join(child.cmdline()):
                    found.append(child)
            except (psutil.ZombieProcess, psutil.NoSuchProcess):
                pass
        return found

    def child(self, marker):
        """The one child whose command line contains marker (e.g. "redis-server", "daphne")."""
        found = self.children(marker)
        assert len(found) == 1, f"{marker!r}: {[child.pid for child in self.children()]}"
        return found[0]

    def kill(self, marker, signum=signal.SIGKILL):
        """Kill the child's process alone (not its group), as the kernel's OOM killer would."""
        victim = self.child(marker)
        os.kill(victim.pid, signum)
        return victim.pid

    def wait_restarted(self, marker, old_pid, timeout_seconds=120):
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            current = self.children(marker)
            if current and all(child.pid != old_pid for child in current):
                return current[0].pid
            time.sleep(0.2)
        raise AssertionError(f"{marker} (pid {old_pid}) was not restarted:\n{self.log()[-4000:]}")

    def zombies(self, grace_seconds=2):
        """Children left as zombies (the supervisor looks twice a second: give it that long)."""
        time.sleep(grace_seconds)
        found = []
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    found.append(child.pid)
            except psutil.NoSuchProcess:
                pass
        return found

    # -- what people and programs see -----------------------------------------------------------
    def health(self):
        try:
            status, _, body = Client(self.url).request("GET", "/healthz", timeout=5)
        except OSError:
            return None, {}
        return status, json.loads(body or b"{}")

    def wait_healthy(self, timeout_seconds=180):
        deadline = time.monotonic() + timeout_seconds
        started = time.monotonic()
        while time.monotonic() < deadline:
            if self.health()[0] == 200:
                return time.monotonic() - started
            time.sleep(0.25)
        raise AssertionError(f"/healthz is {self.health()} after {timeout_seconds} s:\n{self.log()[-4000:]}")

    def api(self, method, path, data=None, headers=None, timeout=60):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", **(headers or {})}
        status, _, body = Client(self.url).request(method, path, data, headers, timeout=timeout)
        return status, json.loads(body) if body else {}

    def upload(self, path, **fields):
        body, content_type = multipart(fields, {"files": (Path(path).name, Path(path).read_bytes(), "audio/wav")})
        status, answer = self.api("POST", "/api/jobs/", body, {"Content-Type": content_type})
        assert status == 201, answer
        return answer["jobs"][0]

    def job(self, job_id):
        status, answer = self.api("GET", f"/api/jobs/{job_id}/")
        assert status == 200, answer
        return answer

    def wait_for_job(self, job_id, condition, timeout_seconds=300, what="the job"):
        deadline = time.monotonic() + timeout_seconds
        job = {}
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if condition(job):
                return job
            time.sleep(0.3)
        raise AssertionError(f"{what} did not happen within {timeout_seconds} s: {job}\n{self.log()[-3000:]}")

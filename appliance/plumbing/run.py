"""`make run`: the whole appliance in the foreground on embedded defaults.

Starts Redis (unless REDIS_URL is set), prepares the database and the admin account, then
daphne, one Celery worker, Celery beat and, when installed, the live engine; waits until
/healthz is green and prints where to log in. From then on it supervises: a child that exits,
Redis included, is reaped and started again with a growing delay (supervised_process), so a
crash costs seconds, not the appliance. A child that keeps failing before the appliance was
ever healthy stops the start with its status instead (a broken setting would loop forever).
Ctrl-C or SIGTERM stops every child, each in its own process group so a worker's pool
processes go too, and Redis last.

Imports no Django itself: a broken settings value is reported by the first child that reads it.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from appliance.plumbing.embedded_redis import EmbeddedRedis, EmbeddedRedisError
from appliance.plumbing.env import EnvError, env_int, env_path
from appliance.plumbing.supervised_process import SupervisedProcess

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
HEALTH_TIMEOUT_SECONDS = 180
STOP_TIMEOUT_SECONDS = 20
# Quick failures in a row, before the first healthy answer, that end `make run` with an error.
START_FAILURES_ALLOWED = 3
SUPERVISE_INTERVAL_SECONDS = 0.5


def log(message):
    print(f"[run] {message}", file=sys.stderr, flush=True)


class Supervisor:
    def __init__(self, data_dir, port, output=None):
        """output: a file for the children's output (None: this terminal)."""
        self.data_dir = data_dir
        self.port = port
        self.output = output
        self.redis = None
        self.children = {}
        self.stopping = False
        self.env = dict(os.environ, PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="appliance.settings")
        self.env["APPLIANCE_DATA_DIR"] = str(data_dir)
        # Django spools request bodies (uploads) to TMPDIR: keep them on the data disk, not /tmp.
        tmp = data_dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        self.env["TMPDIR"] = str(tmp)

    @property
    def url(self):
        return f"http://{HOST}:{self.port}/"

    def python(self, *arguments):
        return [sys.executable, *arguments]

    def start_redis(self):
        # self.env, not os.environ: a caller (the jobs benchmark) may take REDIS_URL away so this
        # appliance gets a Redis of its own instead of sharing another's queue.
        if self.env.get("REDIS_URL", "").strip():
            log(f"using REDIS_URL={self.env['REDIS_URL']}")
            return
        embedded = EmbeddedRedis(self.data_dir / "redis")
        # Restarted on the same socket, from its append-only file: queued jobs survive a crash.
        self.redis = SupervisedProcess("redis-server", lambda: embedded.start().process, log).start()
        self.env["REDIS_URL"] = embedded.url
        log(f"embedded redis-server on {embedded.socket_path}")

    def prepare(self):
        manage = [sys.executable, str(REPOSITORY_ROOT / "manage.py")]
        subprocess.run(
            [*manage, "migrate", "--noinput"], env=self.env, cwd=REPOSITORY_ROOT, check=True,
            stdout=self.output, stderr=self.output,
        )  # fmt: skip
        admin = subprocess.run(
            [*manage, "bootstrap_admin"], env=self.env, cwd=REPOSITORY_ROOT, check=True, capture_output=True, text=True
        )
        # Static files need no collectstatic here: daphne serves them from the apps' static/
        # folders (appliance.asgi); nginx on an appliance serves the collected copy.
        return admin.stdout.strip()

    def start(self, name, command):
        def launch():
            return subprocess.Popen(
                command, env=self.env, cwd=REPOSITORY_ROOT, start_new_session=True, stdout=self.output,
                stderr=self.output,
            )  # fmt: skip

        self.children[name] = SupervisedProcess(name, launch, log).start()

    def service_commands(self):
        """The process command lines of docs/architecture.md, in start order."""
        commands = {
            # No --proxy-headers: appliance.plumbing.trusted_proxies honours X-Forwarded-For only
            # from APPLIANCE_TRUSTED_PROXIES, and `make run` has no proxy in front.
            "web": self.python("-m", "daphne", "-b", HOST, "-p", str(self.port), "appliance.asgi:application"),
            # Celery with the pool the engine pipeline needs (appliance.runtime.worker_command).
            "worker": self.python("-m", "appliance.runtime.worker_command", "--loglevel", "INFO"),
            "beat": self.python("-m", "celery", "-A", "appliance.celery", "beat", "--loglevel", "INFO",
                                "--schedule", str(self.data_dir / "celerybeat-schedule")),
            "live engine": self.python(str(REPOSITORY_ROOT / "manage.py"), "live_engine"),
        }  # fmt: skip
        return commands

    def start_services(self, names=None):
        for name, command in self.service_commands().items():
            if names is None or name in names:
                self.start(name, command)

    def health(self):
        try:
            with urllib.request.urlopen(self.url + "healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError):
            return None, {}

    def supervised(self):
        return ([self.redis] if self.redis is not None else []) + list(self.children.values())

    def wait_until_healthy(self):
        deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
        body = {}
        while time.monotonic() < deadline:
            self.check_children(starting=True)
            status, body = self.health()
            if status == 200:
                return
            time.sleep(SUPERVISE_INTERVAL_SECONDS)
        raise RuntimeError(f"/healthz did not turn healthy within {HEALTH_TIMEOUT_SECONDS} s: {body}")

    def check_children(self, starting=False):
        """Reap and restart children that exited; while starting, give up on one that keeps failing."""
        for child in self.supervised():
            status = child.check()
            if starting and status is not None and child.backoff.quick_failures > START_FAILURES_ALLOWED:
                raise RuntimeError(f"{child.name} exited with status {status}, {child.backoff.quick_failures} times")

    def supervise(self):
        while True:
            self.check_children()
            time.sleep(SUPERVISE_INTERVAL_SECONDS)

    def stop(self):
        if self.stopping:
            return
        self.stopping = True
        for child in self.children.values():
            child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children.values():
            child.wait_stopped(deadline - time.monotonic())
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait_stopped(STOP_TIMEOUT_SECONDS)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    try:
        data_dir = env_path("APPLIANCE_DATA_DIR", REPOSITORY_ROOT / "data")
        port = env_int("PORT", 8000, minimum=1, maximum=65535)
    except EnvError as error:
        sys.exit(f"Configuration error: {error}")
    data_dir.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(data_dir, port)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    # Ctrl-C (SIGINT) stops the tree even when the parent started it with SIGINT ignored, as a
    # shell does for `make run &` in a script: Python then installs no KeyboardInterrupt of its own.
    signal.signal(signal.SIGINT, _raise_interrupt)
    exit_code = 0
    try:
        supervisor.start_redis()
        admin_line = supervisor.prepare()
        supervisor.start_services()
        supervisor.wait_until_healthy()
        log(f"Whisper Appliance is running at {supervisor.url}")
        log(admin_line)
        log("Press Ctrl-C to stop.")
        supervisor.supervise()
    except KeyboardInterrupt:
        log("stopping")
    except (RuntimeError, EmbeddedRedisError, subprocess.CalledProcessError) as error:
        log(f"error: {error}")
        exit_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

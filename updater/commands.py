"""Running the configured command lines (install, migrate, restart, ...) with their output in the run log."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import threading
from collections import deque
from pathlib import Path

from .errors import CommandFailed, ConfigError

log = logging.getLogger("updater")


def expand(template: str, values: dict[str, str]) -> list[str]:
    """Split like a shell first, then fill placeholders, so a path with spaces stays one argument."""
    try:
        return [part.format_map(values) for part in shlex.split(template)]
    except KeyError as error:
        known = ", ".join("{" + k + "}" for k in sorted(values))
        raise ConfigError(f"unknown placeholder {{{error.args[0]}}} in command {template!r}; known: {known}") from None
    except ValueError as error:
        raise ConfigError(f"command {template!r} cannot be parsed: {error}") from None


def release_environment(release: Path) -> dict[str, str]:
    """The environment of commands that run inside a release: its venv first on PATH."""
    env = dict(os.environ)
    venv = release / ".venv"
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["APPLIANCE_RELEASE_DIR"] = str(release)
    env.pop("PYTHONHOME", None)
    return env


def run_commands(templates: list[str], values: dict[str, str], *, cwd: Path, env: dict[str, str] | None = None,
                 prefix: list[str] | None = None, timeout: float = 3600.0) -> None:
    for template in templates:
        run(prefix or [], expand(template, values), cwd=cwd, env=env, timeout=timeout)


def run(prefix: list[str], argv: list[str], *, cwd: Path, env: dict[str, str] | None, timeout: float) -> None:
    log.info("$ %s", shlex.join(argv))
    tail: deque[str] = deque(maxlen=20)
    try:
        process = subprocess.Popen(
            prefix + argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
        )
    except OSError as error:
        raise CommandFailed(argv, 127, str(error)) from None
    timed_out = threading.Event()

    def kill_after_timeout():
        timed_out.set()
        process.kill()

    timer = threading.Timer(timeout, kill_after_timeout)
    timer.start()
    try:
        for line in process.stdout:
            line = line.rstrip()
            tail.append(line)
            log.info("  %s", line)
        returncode = process.wait()
    finally:
        timer.cancel()
    if timed_out.is_set():
        raise CommandFailed(argv, returncode, f"killed after {timeout:.0f} s without finishing")
    if returncode != 0:
        raise CommandFailed(argv, returncode, "\n".join(tail))

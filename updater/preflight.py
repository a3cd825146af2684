"""Checks before anything changes: free disk, a healthy running release, and no work to interrupt."""

from __future__ import annotations

import json
import logging
import shlex
import shutil
import subprocess
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from .config import UpdaterConfig
from .errors import Refused
from .health import probe

log = logging.getLogger("updater")


def check_disk(path: Path, min_free_mb: int) -> None:
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    if free_mb < min_free_mb:
        raise Refused("disk", f"only {free_mb} MiB free under {path}; an update needs at least {min_free_mb} MiB")
    log.info("disk: %d MiB free (need %d MiB)", free_mb, min_free_mb)


def check_running_release_healthy(config: UpdaterConfig) -> None:
    # Updating from a broken state would make the automatic rollback meaningless: there would be
    # nothing healthy to go back to. --force skips this for an admin who knows better.
    healthy, seen = probe(config.health_url)
    if not healthy:
        raise Refused("unhealthy", f"the running release is not healthy (GET {config.health_url} -> {seen}); "
                                   "fix it first, or force the update")
    log.info("running release healthy (GET %s -> %s)", config.health_url, seen)


def wait_for_idle(config: UpdaterConfig, now=datetime.now) -> str:
    """Return a note once it is acceptable to restart the services; raise Refused at the deadline."""
    if not (config.idle_command or config.idle_url):
        return "no idle check configured"
    window = config.window
    deadline = time.monotonic() + config.idle_wait_seconds
    while True:
        busy = _busy_description(config)
        if busy is None:
            return "idle"
        if window and window.contains(now()):
            log.warning("busy (%s) but inside the maintenance window %s: going ahead", busy, window)
            return f"inside maintenance window {window} while busy ({busy})"
        if time.monotonic() >= deadline:
            hint = f"; it will also run inside the maintenance window {window}" if window else ""
            raise Refused("busy", f"still busy after waiting {config.idle_wait_seconds:g} s ({busy}); "
                                  f"try again later{hint}")
        log.info("waiting for idle: %s", busy)
        time.sleep(min(config.idle_poll_seconds, max(0.0, deadline - time.monotonic())))


def _busy_description(config: UpdaterConfig) -> str | None:
    """None when idle, else what keeps the appliance busy. Counts come as a JSON object of integers,
    e.g. {"jobs": 2, "live_sessions": 0}; an unreadable answer counts as busy, never as idle."""
    try:
        report = _read_activity(config)
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        return f"the idle check failed: {error}"
    if not isinstance(report, dict) or not all(isinstance(v, int) for v in report.values()):
        return f"the idle check answered {report!r}, not an object of counts"
    active = {name: count for name, count in report.items() if count}
    if not active:
        return None
    return ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in sorted(active.items()))


def _read_activity(config: UpdaterConfig):
    if config.idle_command:
        result = subprocess.run(shlex.split(config.idle_command), capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise ValueError(f"exit status {result.returncode}: {result.stderr.strip()[-300:]}")
        return json.loads(result.stdout)
    with urllib.request.urlopen(config.idle_url, timeout=10) as response:
        return json.loads(response.read())

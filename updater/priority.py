"""Low CPU and I/O priority so an update never slows down transcriptions noticeably."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger("updater")


def lower_own_priority() -> None:
    """SCHED_IDLE, nice 19 and the idle I/O class for this process and everything it starts (git, pip, ...).

    SCHED_IDLE matters more than nice: a nice-19 task still gets its slice before a waking
    transcription thread preempts it, an idle-policy task is preempted at once.
    """
    os.nice(max(0, 19 - os.nice(0)))
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError) as error:
        log.info("could not switch to the idle CPU scheduling policy: %s", error)
    ionice = shutil.which("ionice")
    if ionice:
        # Best effort: some containers forbid changing the I/O class; the update still runs.
        result = subprocess.run([ionice, "-c3", "-p", str(os.getpid())], capture_output=True, text=True)
        if result.returncode != 0:
            log.info("could not switch to the idle I/O class: %s", result.stderr.strip())


def low_priority_prefix(cpu_quota_percent: int, systemd_scope: bool | None = None) -> list[str]:
    """Command prefix for heavy staging work (venv creation, dependency install, collectstatic).

    ``nice``/``ionice`` keep it behind every other process; where systemd manages the machine a
    transient scope also caps its CPU share, which nice alone cannot do on an otherwise idle core.
    """
    if systemd_scope is None:
        systemd_scope = systemd_can_scope()
    prefix: list[str] = []
    if systemd_scope:
        prefix += ["systemd-run", "--scope", "--quiet", "--collect", "-p", f"CPUQuota={cpu_quota_percent}%", "--"]
    if shutil.which("chrt"):
        prefix += ["chrt", "--idle", "0"]
    if shutil.which("ionice"):
        prefix += ["ionice", "-c3"]
    return prefix + ["nice", "-n", "19"]


def systemd_can_scope() -> bool:
    return systemd_is_init() and shutil.which("systemd-run") is not None and os.geteuid() == 0


def systemd_is_init() -> bool:
    try:
        return Path("/proc/1/comm").read_text().strip() == "systemd"
    except OSError:
        return False

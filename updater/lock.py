"""One updater run at a time: an advisory file lock the kernel releases when the holder dies."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from .errors import LockHeld


class RunLock:
    def __init__(self, path: Path, action: str):
        self.path = Path(path)
        self.action = action
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(fd)
            os.close(fd)
            raise LockHeld(f"another updater run holds the lock ({holder}); try again when it has finished") from None
        # The holder's identity is only informative; the flock itself is the lock.
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({
            "pid": os.getpid(), "action": self.action,
            "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def is_locked(path: Path) -> bool:
    """True while some process holds the lock (used by status pages; takes and drops it at once)."""
    if not Path(path).exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _describe(fd: int) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"{holder['action']} by pid {holder['pid']} since {holder['since']}"
    except (ValueError, KeyError, OSError):
        return "holder unknown"

"""What the updater knows between runs, as JSON files the panel can read even when Django is broken.

    state.json         {"run": the latest run with its steps, "last_check": ..., "previous_version": ...}
    history.jsonl      one finished apply/rollback per line, oldest first
    bad-releases.json  {version: {"commit", "reason", "marked_at"}}: not retried unless forced
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from .jsonfile import read_json, write_json_atomic
from .layout import Layout


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StateStore:
    def __init__(self, layout: Layout):
        self.state_file = layout.state_dir / "state.json"
        self.history_file = layout.state_dir / "history.jsonl"
        self.bad_file = layout.state_dir / "bad-releases.json"

    def load(self) -> dict:
        return read_json(self.state_file, {})

    def update(self, **changes) -> dict:
        state = self.load()
        state.update(changes)
        write_json_atomic(self.state_file, state)
        return state

    # -- history -------------------------------------------------------------------------------
    def append_history(self, entry: dict) -> None:
        self.history_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.history_file, "a") as handle:
            handle.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def history(self, limit: int | None = None) -> list[dict]:
        """Newest first. A line cut short by a crash is skipped rather than hiding the others."""
        try:
            lines = self.history_file.read_text().splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in reversed(lines):
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
            if limit and len(entries) >= limit:
                break
        return entries

    # -- bad releases ----------------------------------------------------------------------------
    def bad_releases(self) -> dict[str, dict]:
        return read_json(self.bad_file, {})

    def mark_bad(self, version: str, commit: str, reason: str) -> None:
        bad = self.bad_releases()
        bad[version] = {"commit": commit, "reason": reason, "marked_at": now_iso()}
        write_json_atomic(self.bad_file, bad)

    def bad_entry(self, version: str, commit: str) -> dict | None:
        """The mark on this exact release; a tag moved to another commit is a different release."""
        entry = self.bad_releases().get(version)
        return entry if entry and entry.get("commit") == commit else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def relative_to(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)

"""The updater's public face: what the CLI, the Celery task and the panel call."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .apply import apply_update
from .check import check_for_update
from .config import UpdaterConfig
from .context import Context
from .lock import RunLock, is_locked
from .recovery import recover_interrupted
from .rollback import rollback_to
from .state import pid_alive


class Updater:
    def __init__(self, config: UpdaterConfig):
        self.config = config
        # No directory is created here: the panel reads status as an unprivileged user.
        self.ctx = Context.from_config(config)

    def check(self, bundle: Path | None = None) -> dict:
        """Fetch and report what an update would bring, without changing the running release."""
        with self._locked("check"):
            return check_for_update(self.ctx, bundle)

    def apply(self, *, version: str | None = None, force: bool = False, bundle: Path | None = None,
              stage_only: bool = False) -> dict:
        with self._locked("apply"):
            return apply_update(self.ctx, version=version, force=force, bundle=bundle, stage_only=stage_only)

    def rollback(self, version: str | None = None, *, restore_data: bool = False) -> dict:
        with self._locked("rollback"):
            return rollback_to(self.ctx, version, restore_data=restore_data)

    def recover(self) -> dict | None:
        self.ctx.layout.ensure()
        with RunLock(self.ctx.layout.lock_file, "recover"):
            return recover_interrupted(self.ctx)

    def status(self) -> dict:
        """Read-only: safe to call any time, also while a run is in progress."""
        layout, store = self.ctx.layout, self.ctx.store
        state = store.load()
        run = state.get("run")
        locked = is_locked(layout.lock_file)
        if run and run.get("status") == "running" and not (locked and pid_alive(run["pid"])):
            run = {**run, "status": "interrupted", "message": "the run died; the next updater run will recover"}
        current = layout.current_release()
        bad = store.bad_releases()
        return {
            "root": str(layout.root), "channel": self.config.channel, "branch": self.config.branch,
            "remote": self.config.remote,
            "current": {"version": current.version, "commit": current.commit, "staged_at": current.staged_at}
            if current else None,
            "previous_version": state.get("previous_version"),
            "releases": [{"version": r.version, "commit": r.commit, "staged_at": r.staged_at,
                          "current": current is not None and r.version == current.version,
                          "bad": bad.get(r.version, {}).get("commit") == r.commit}
                         for r in reversed(layout.releases())],
            "bad_releases": bad, "run": run, "running": bool(run and run.get("status") == "running"),
            "last_check": state.get("last_check"),
        }

    def history(self, limit: int | None = 50) -> list[dict]:
        return self.ctx.store.history(limit)

    def log_text(self, run: dict, offset: int = 0) -> tuple[str, int]:
        """The run's log from ``offset`` (bytes) on, and the offset to ask for next time."""
        path = self.ctx.layout.state_dir / run["log"]
        try:
            with open(path, "rb") as handle:
                handle.seek(offset)
                data = handle.read(1 << 20)
        except FileNotFoundError:
            return "", offset
        return data.decode(errors="replace"), offset + len(data)

    @contextmanager
    def _locked(self, action: str):
        """The run lock, plus recovery of whatever a killed run left behind, before doing anything."""
        self.ctx.layout.ensure()
        with RunLock(self.ctx.layout.lock_file, action):
            recover_interrupted(self.ctx)
            yield


__all__ = ["Updater"]

"""Recovery after a run that died (SIGKILL, power loss): the flock is gone but state.json still says
"running". The next run cleans up before doing anything else."""

from __future__ import annotations

import logging
from pathlib import Path

from .activation import restart
from .backup import restore_backup
from .context import Context
from .health import wait_healthy
from .recorder import RunRecorder
from .state import now_iso

log = logging.getLogger("updater")
# Steps after which the data or `current` may have changed: the unconfirmed release is backed out.
_SWITCH_STEPS = {"migrate", "switch", "health", "restore", "rollback"}


def recover_interrupted(ctx: Context) -> dict | None:
    """Call with the run lock held. Returns the recovery run, or None when there was nothing to do."""
    layout, store = ctx.layout, ctx.store
    dead = store.load().get("run")
    dead = dead if dead and dead.get("status") == "running" else None
    partial = layout.partial_release_dirs()
    stray = list(layout.root.glob(".current-*"))
    if not dead and not partial and not stray:
        return None
    run = RunRecorder(layout, store, "recover", interrupted_run=dead["id"] if dead else None).start()
    notes = []
    with run.step("clean"):
        layout.remove_stray_links()
        for directory in partial:
            ctx.mirror.remove_worktree(directory)
            notes.append(f"removed the partial release {directory.name}")
    if dead:
        last = next((s["name"] for s in reversed(dead["steps"]) if s["status"] == "running"), None)
        if last in _SWITCH_STEPS:
            with run.step("back-out"):
                notes.append(_back_out(ctx, dead))
        dead.update(status="interrupted", finished_at=now_iso(),
                    message=f"interrupted during {last or 'start-up'}; recovered by the next run")
        if dead["action"] in ("apply", "rollback"):
            store.append_history(dead)
    return run.finish("succeeded", "; ".join(notes) or "recorded the interrupted run", history=False)


def _back_out(ctx: Context, dead: dict) -> str:
    layout = ctx.layout
    previous = layout.release(dead["from_version"]) if dead.get("from_version") else None
    if previous and layout.current_version() != previous.version:
        layout.switch_to(previous.version)
    if dead.get("backup") and Path(dead["backup"]).exists():
        restore_backup(ctx.config, Path(dead["backup"]))
    current = layout.current_release()
    health = ""
    if current:
        restart(ctx, current)
        seen = wait_healthy(ctx.config.health_url, ctx.config.health_timeout_seconds)
        health = f" but answers {seen}: look at the appliance" if seen else " and healthy"
    log.warning("backed out the interrupted %s of %s", dead["action"], dead.get("to_version"))
    return (f"backed out the unconfirmed {dead.get('to_version')}; "
            f"{current.version if current else 'nothing'} is current{health}")

"""Keep the last N releases (always the running one and the one to roll back to) and recent logs."""

from __future__ import annotations

import logging

from .context import Context

log = logging.getLogger("updater")
KEEP_LOGS = 100


def prune_releases(ctx: Context) -> list[str]:
    layout, store = ctx.layout, ctx.store
    protected = {layout.current_version(), store.load().get("previous_version")} - {None}
    slots = ctx.config.keep_releases - len(protected)
    removed = []
    for release in reversed(layout.releases()):  # newest first
        if release.version in protected:
            continue
        if slots > 0 and not store.bad_entry(release.version, release.commit):
            slots -= 1
            continue
        ctx.mirror.remove_worktree(release.path)
        removed.append(release.version)
        log.info("removed the old release %s", release.version)
    return removed


def prune_logs(ctx: Context) -> None:
    logs = sorted(ctx.layout.logs_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-KEEP_LOGS]:
        old.unlink(missing_ok=True)

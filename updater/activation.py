"""Switching releases: migrate, flip ``current``, restart, health check — and the way back."""

from __future__ import annotations

import logging
from pathlib import Path

from .backup import restore_backup
from .commands import release_environment, run_commands
from .context import Context
from .errors import StepFailed
from .health import wait_healthy
from .layout import Release
from .recorder import RunRecorder

log = logging.getLogger("updater")


def activate(ctx: Context, run: RunRecorder, release: Release, previous: Release | None, migrate: bool = True) -> None:
    """Make ``release`` the serving one; raises (CommandFailed, StepFailed) when it does not come up healthy."""
    if migrate:
        with run.step("migrate"):
            run_in_release(ctx, ctx.config.migrate_commands, release)
    with run.step("switch"):
        ctx.layout.switch_to(release.version)
        ctx.store.update(previous_version=previous.version if previous else None)
        restart(ctx, release)
    with run.step("health"):
        require_healthy(ctx)


def require_healthy(ctx: Context) -> None:
    seen = wait_healthy(ctx.config.health_url, ctx.config.health_timeout_seconds)
    if seen is not None:
        raise StepFailed("health", f"GET {ctx.config.health_url} answered {seen} instead of 200 within "
                                   f"{ctx.config.health_timeout_seconds:.0f} s")


def restart(ctx: Context, release: Release) -> None:
    run_commands(ctx.config.restart_commands, ctx.release_placeholders(release), cwd=ctx.layout.root,
                 env=release_environment(release.path), timeout=ctx.config.command_timeout_seconds)


def run_in_release(ctx: Context, templates: list[str], release: Release) -> None:
    run_commands(templates, ctx.release_placeholders(release), cwd=release.path,
                 env=release_environment(release.path), timeout=ctx.config.command_timeout_seconds)


def revert(ctx: Context, run: RunRecorder, previous: Release | None, backup: Path | None) -> str:
    """Go back to ``previous`` with the data of ``backup``; returns how that went, for the run message."""
    with run.step("rollback"):
        layout = ctx.layout
        if previous:
            if layout.current_version() != previous.version:
                layout.switch_to(previous.version)
            ctx.store.update(previous_version=None)
        else:
            # A first install has nothing to go back to; no link is better than a broken release.
            layout.current_link.unlink(missing_ok=True)
        if backup:
            restore_backup(ctx.config, backup)
        if not previous:
            return "nothing was installed before; the release was removed from service"
        restart(ctx, previous)
        seen = wait_healthy(ctx.config.health_url, ctx.config.health_timeout_seconds)
        if seen:
            log.error("after the rollback %s answers %s", ctx.config.health_url, seen)
            return f"rolled back to {previous.version}, but it answers {seen} too: look at the appliance"
        return f"rolled back to {previous.version}, which is healthy"

"""``apply``: fetch, resolve, verify, preflight, stage, wait for idle, backup, migrate, switch, health,
clean up — and the automatic rollback when the new release does not come up healthy."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .activation import activate, revert
from .backup import create_backup, prune_backups
from .check import fetch, remember_check
from .context import Context
from .errors import Refused, UpdaterError
from .plan import AVAILABLE, make_plan
from .preflight import check_disk, check_running_release_healthy, wait_for_idle
from .recorder import RunRecorder
from .retention import prune_logs, prune_releases
from .stage import stage_release

log = logging.getLogger("updater")


def apply_update(ctx: Context, *, version: str | None = None, force: bool = False,
                 bundle: Path | None = None, stage_only: bool = False) -> dict:
    config, layout = ctx.config, ctx.layout
    current = layout.current_release()
    run = RunRecorder(layout, ctx.store, "apply", from_version=current.version if current else None,
                      to_version=version, forced=force, source=str(bundle) if bundle else config.remote).start()
    try:
        with run.step("fetch"):
            moved = fetch(ctx, bundle)
        with run.step("resolve"):
            plan = make_plan(ctx, version=version, force=force, moved_tags=moved)
            remember_check(ctx, plan)
        if plan.status != AVAILABLE:
            return run.finish("nothing-to-do", plan.message, history=False)
        target = plan.target
        run.set(to_version=target.version, to_commit=target.commit, changelog=plan.changelog[:50])
        with run.step("verify"):
            if plan.refusal:
                raise plan.refusal
            run.set(signer=plan.signer)
        with run.step("preflight"):
            check_disk(layout.root, config.min_free_mb)
            if current and config.require_healthy_before and not force:
                check_running_release_healthy(config)
        with run.step("stage"):
            release = stage_release(ctx, target)
        if stage_only:
            return run.finish("staged", f"{target.version} is staged; `python -m updater apply` switches to it",
                              history=True)
        with run.step("wait-idle"):
            run.set(idle=wait_for_idle(config))
        with run.step("backup"):
            backup = create_backup(config, current.version if current else None, target.version)
            run.set(backup=str(backup))
    except Refused as refusal:
        run.set(reason=refusal.reason)
        return run.finish("refused", str(refusal), history=True)
    except Exception as error:  # noqa: BLE001 - whatever broke, the run must end recorded, not "running"
        _log_unexpected(error)
        return run.finish("failed", f"{error}; the running release was not touched", history=True)

    try:
        activate(ctx, run, release, previous=current)
    except Exception as error:  # noqa: BLE001 - any failure here means: go back
        _log_unexpected(error)
        outcome = revert(ctx, run, current, backup)
        ctx.store.mark_bad(target.version, target.commit, str(error).splitlines()[0])
        record = run.finish("rolled-back", f"{error}; {outcome}; {target.version} is marked bad", history=True)
        keep_failure_log(ctx, record)
        return record

    with run.step("cleanup"):
        removed = prune_releases(ctx)
        prune_backups(config, config.keep_backups, protect={backup})
        prune_logs(ctx)
        run.set(removed_releases=removed)
    before = current.version if current else "nothing"
    return run.finish("succeeded", f"updated from {before} to {target.version}", history=True)


def keep_failure_log(ctx: Context, record: dict) -> None:
    """The log of a failed switch outlives log pruning; the admin will want it."""
    failures = ctx.layout.state_dir / "failures"
    failures.mkdir(parents=True, exist_ok=True)
    source = ctx.layout.state_dir / record["log"]
    if source.exists():
        shutil.copy2(source, failures / source.name)


def _log_unexpected(error: Exception) -> None:
    if not isinstance(error, UpdaterError):
        log.exception("unexpected error", exc_info=error)

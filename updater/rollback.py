"""Manual rollback to any kept release, optionally with the data as it was when that release was left."""

from __future__ import annotations

from .activation import activate, revert
from .backup import backup_left_behind, create_backup, restore_backup
from .context import Context
from .errors import Refused, UpdaterError
from .layout import Release
from .preflight import wait_for_idle
from .recorder import RunRecorder


def default_rollback_target(ctx: Context) -> Release | None:
    """The release that was running before the current one, else the newest other good release."""
    layout, store = ctx.layout, ctx.store
    current = layout.current_version()
    previous = store.load().get("previous_version")
    if previous and previous != current and layout.release(previous):
        return layout.release(previous)
    others = [r for r in layout.releases() if r.version != current and not store.bad_entry(r.version, r.commit)]
    return others[-1] if others else None


def rollback_to(ctx: Context, version: str | None = None, restore_data: bool = False) -> dict:
    layout = ctx.layout
    current = layout.current_release()
    target = layout.release(version) if version else default_rollback_target(ctx)
    run = RunRecorder(layout, ctx.store, "rollback", from_version=current.version if current else None,
                      to_version=target.version if target else version, restore_data=restore_data).start()
    try:
        with run.step("resolve"):
            data_backup = _validate(ctx, current, target, version, restore_data)
        with run.step("wait-idle"):
            run.set(idle=wait_for_idle(ctx.config))
        with run.step("backup"):
            # Taken even for a code-only rollback: it is what undoing this rollback would restore.
            safety = create_backup(ctx.config, current.version, target.version)
            run.set(backup=str(safety))
    except Refused as refusal:
        run.set(reason=refusal.reason)
        return run.finish("refused", str(refusal), history=True)
    except UpdaterError as error:
        return run.finish("failed", f"{error}; nothing was changed", history=True)

    try:
        if data_backup:
            with run.step("restore"):
                restore_backup(ctx.config, data_backup)
                run.set(restored_backup=str(data_backup))
        activate(ctx, run, target, previous=current, migrate=False)
    except Exception as error:  # noqa: BLE001 - any failure: go back to where we were
        outcome = revert(ctx, run, current, safety)
        return run.finish("failed", f"{error}; {outcome}", history=True)
    data = f" with the data of {data_backup.name}" if data_backup else " (data kept as is)"
    return run.finish("succeeded", f"rolled back from {current.version} to {target.version}{data}", history=True)


def _validate(ctx: Context, current: Release | None, target: Release | None, version: str | None,
              restore_data: bool):
    if current is None:
        raise Refused("nothing-installed", "nothing is installed, so there is nothing to roll back")
    kept = ", ".join(r.version for r in ctx.layout.releases() if r.version != current.version) or "none"
    if target is None:
        which = f"{version} is not a kept release" if version else "there is no other kept release"
        raise Refused("not-kept", f"{which}; kept releases: {kept}")
    if target.version == current.version:
        raise Refused("already-current", f"{target.version} is already the running release")
    if not restore_data:
        return None
    backup = backup_left_behind(ctx.config, target.version)
    if backup is None:
        raise Refused("no-backup", f"there is no backup taken when {target.version} was left, so its data "
                                   "cannot be restored; roll back without restoring data")
    return backup

"""``check``: fetch and report what an update would bring, without changing anything else."""

from __future__ import annotations

from pathlib import Path

from .context import Context
from .errors import UpdaterError
from .plan import Plan, make_plan
from .recorder import RunRecorder
from .source import MovedTag
from .state import now_iso


def fetch(ctx: Context, bundle: Path | None) -> list[MovedTag]:
    if bundle:
        return ctx.mirror.fetch_bundle(bundle)
    return ctx.mirror.fetch_remote(ctx.config.remote)


def remember_check(ctx: Context, plan: Plan | None = None, error: UpdaterError | None = None) -> dict:
    """What the panel shows as "last check" (apply checks too, so it refreshes this as well)."""
    outcome = plan.as_dict() if plan else {"status": "error", "message": str(error)}
    result = {"checked_at": now_iso(), "channel": ctx.config.channel, **outcome}
    ctx.store.update(last_check=result)
    return result


def check_for_update(ctx: Context, bundle: Path | None = None) -> dict:
    run = RunRecorder(ctx.layout, ctx.store, "check").start()
    try:
        with run.step("fetch"):
            moved = fetch(ctx, bundle)
        with run.step("resolve"):
            plan = make_plan(ctx, moved_tags=moved)
    except UpdaterError as error:
        run.finish("failed", str(error), history=False)
        return remember_check(ctx, error=error)
    run.finish("succeeded", plan.message, history=False)
    return remember_check(ctx, plan)

"""Stage a release beside the running one: worktree of the commit, own venv, dependencies, static files."""

from __future__ import annotations

import logging

from .commands import release_environment, run_commands
from .context import Context
from .layout import Release
from .priority import low_priority_prefix
from .source import Target
from .state import now_iso

log = logging.getLogger("updater")


def stage_release(ctx: Context, target: Target) -> Release:
    layout, config = ctx.layout, ctx.config
    existing = layout.release(target.version)
    if existing and existing.commit == target.commit:
        log.info("release %s is already staged at %s; reusing it", target.version, existing.path)
        return existing
    directory = layout.release_dir(target.version)
    if directory.exists():
        # A directory of another commit (a moved tag, forced) or the debris of an interrupted stage.
        log.info("removing the old directory %s before staging", directory)
        ctx.mirror.remove_worktree(directory)
    try:
        ctx.mirror.add_worktree(directory, target.commit)
        values = ctx.placeholders(directory)
        options = dict(cwd=directory, env=release_environment(directory),
                       prefix=low_priority_prefix(config.cpu_quota_percent) if config.low_priority else [],
                       timeout=config.command_timeout_seconds)
        run_commands(config.venv_commands, values, **options)
        run_commands(config.install_commands, values, **options)
        run_commands(config.post_stage_commands, values, **options)
    except BaseException:
        log.warning("staging %s failed; removing %s", target.version, directory)
        ctx.mirror.remove_worktree(directory)
        raise
    return layout.mark_complete(target.version, target.commit, now_iso())

"""What the panel page and the periodic task do with the updater: read its state, start the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings

from updater import ConfigError, LockHeld, Updater, UpdaterConfig
from updater.config import find_config_path, save_panel_settings
from updater.lock import is_locked

PACKAGE_PARENT = Path(__file__).resolve().parent.parent.parent


def config_path() -> Path | None:
    """The updater configuration of this installation, or None when it is not updater-managed."""
    explicit = getattr(settings, "UPDATER_CONFIG", None)
    try:
        return Path(explicit) if explicit else find_config_path()
    except ConfigError:
        return None


def load_updater() -> Updater:
    """Raises ConfigError (with a message for the page) when the configuration is missing or bad."""
    path = config_path()
    if path is None:
        raise ConfigError("this installation is not managed by the updater: APPLIANCE_RELEASE_ROOT "
                          "(or APPLIANCE_UPDATER_CONFIG) is not set")
    return Updater(UpdaterConfig.load(path))


def updater_command() -> list[str]:
    # On an appliance the release tree belongs to root; UPDATER_COMMAND can name a narrow sudo rule
    # (e.g. ["sudo", "-n", "/opt/whisper-appliance/current/.venv/bin/python", "-m", "updater"]).
    return list(getattr(settings, "UPDATER_COMMAND", None) or [sys.executable, "-m", "updater"])


def launch(updater: Updater, *arguments: str) -> int:
    """Start ``python -m updater <arguments>`` in the background; the page follows it through the state file.

    The CLI lowers its own CPU and I/O priority for check and apply; the lock check here only
    gives the admin an immediate answer, the CLI takes the lock itself.
    """
    if is_locked(updater.ctx.layout.lock_file):
        raise LockHeld("another updater run is in progress; wait for it to finish")
    command = [*updater_command(), *arguments, "--config", str(updater.config.path)]
    process = subprocess.Popen(command, cwd=PACKAGE_PARENT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True, env=_environment())
    return process.pid


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    return env


def poll(updater: Updater, run_id: str | None, offset: int) -> dict:
    """The state of the latest run and the part of its log the page has not shown yet."""
    status = updater.status()
    run = status["run"]
    if not run:
        return {"running": False, "run": None, "log": "", "log_offset": 0}
    if run["id"] != run_id:
        offset = 0
    text, next_offset = updater.log_text(run, offset)
    return {"running": status["running"], "run": run, "log": text, "log_offset": next_offset}


def save_settings(updater: Updater, changes: dict, actor, request) -> UpdaterConfig:
    before = updater.config.panel_settings()
    config = save_panel_settings(updater.config.path, changes)
    audit(actor, "updater.settings", before=before, after=config.panel_settings(),
          summary="updater settings changed", request=request)
    return config


def audit(actor, action: str, summary: str, request=None, before=None, after=None) -> None:
    if apps.is_installed("appliance.panel"):
        from appliance.panel import audit as panel_audit

        panel_audit.record(actor, action, target="updater", before=before, after=after, summary=summary,
                           request=request)


BUNDLE_SIGNATURES = (b"# v2 git bundle\n", b"# v3 git bundle\n")


def save_bundle(upload) -> Path:
    """Keep an uploaded bundle in the data dir (the release tree may belong to root) for the CLI to read.

    Only the header is judged here, for a quick answer; `git bundle verify` in the updater decides.
    """
    head = upload.read(len(BUNDLE_SIGNATURES[0]))
    if head not in BUNDLE_SIGNATURES:
        raise ConfigError(f"{upload.name} is not a git bundle (make one with `git bundle create FILE --all`)")
    directory = Path(settings.DATA_DIR) / "update-bundles"
    directory.mkdir(parents=True, exist_ok=True)
    for old in sorted(directory.glob("*.bundle"))[:-2]:
        old.unlink(missing_ok=True)  # keep the last few; each one holds the whole history
    target = directory / f"{datetime.now():%Y%m%dT%H%M%S}.bundle"
    upload.seek(0)
    with open(target, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    target.chmod(0o644)
    return target


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None

"""Updater configuration: one JSON file, read without Django so a broken release can still be rolled back.

The file is found through ``--config``, ``$APPLIANCE_UPDATER_CONFIG`` or
``$APPLIANCE_RELEASE_ROOT/updater.json``. Relative paths in it are relative to the file's directory.
Command settings are lists of command lines (split like a shell, never run through one) with
placeholders: {python} {venv} {release} {base_python} {wheelhouse} {pip_cache} {root} {data_dir}.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .jsonfile import write_json_atomic
from .window import MaintenanceWindow

CHANNELS = ("stable", "beta", "branch")
SCHEDULES = ("off", "daily", "weekly")
# What the panel's settings form may change; the rest belongs to whoever deploys the appliance.
PANEL_SETTINGS = (
    "remote", "channel", "branch", "require_signatures", "allowed_signers",
    "schedule", "auto_apply", "maintenance_window",
)
_FINGERPRINT = re.compile(r"^[0-9A-F]{40}$")
_BRANCH = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+(?<!\.lock)(?<!/)$")


@dataclass
class UpdaterConfig:
    root: Path
    remote: str = ""
    channel: str = "stable"
    branch: str = "main"
    require_signatures: bool = False
    allowed_signers: list[str] = field(default_factory=list)
    gnupg_home: str = ""
    data_dir: str = "/var/lib/whisper-appliance"
    database_url: str = ""
    config_files: list[str] = field(default_factory=list)
    backup_dir: str = ""
    keep_releases: int = 3
    keep_backups: int = 5
    min_free_mb: int = 1024
    health_url: str = "http://127.0.0.1:8000/healthz"
    health_timeout_seconds: float = 120.0
    require_healthy_before: bool = True
    idle_command: str = ""
    idle_url: str = ""
    idle_wait_seconds: float = 1800.0
    idle_poll_seconds: float = 15.0
    maintenance_window: str = ""
    schedule: str = "daily"
    auto_apply: bool = False
    low_priority: bool = True
    cpu_quota_percent: int = 50
    command_timeout_seconds: float = 3600.0
    venv_commands: list[str] = field(default_factory=lambda: ["{base_python} -m venv {venv}"])
    install_commands: list[str] = field(default_factory=lambda: [
        "{python} -m pip install --no-input --disable-pip-version-check --find-links {wheelhouse}"
        " --cache-dir {pip_cache} {release}",
    ])
    post_stage_commands: list[str] = field(default_factory=lambda: ["{python} manage.py collectstatic --noinput"])
    migrate_commands: list[str] = field(default_factory=lambda: ["{python} manage.py migrate --noinput"])
    restart_commands: list[str] = field(default_factory=lambda: ["systemctl restart whisper-appliance.target"])
    path: Path | None = None

    def __post_init__(self):
        self.validate()

    # -- derived paths -------------------------------------------------------------------------
    @property
    def data_path(self) -> Path:
        return self._resolve(self.data_dir)

    @property
    def backup_path(self) -> Path:
        return self._resolve(self.backup_dir) if self.backup_dir else self.data_path / "backups"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None when the database is PostgreSQL."""
        url = self.database_url
        if not url:
            return self.data_path / "db.sqlite3"
        if url.startswith("sqlite:///"):
            return self._resolve(url[len("sqlite:///"):])
        return None

    @property
    def gnupg_path(self) -> Path | None:
        return self._resolve(self.gnupg_home) if self.gnupg_home else None

    @property
    def window(self) -> MaintenanceWindow | None:
        return MaintenanceWindow.parse(self.maintenance_window)

    def config_file_paths(self) -> list[Path]:
        return [self._resolve(p) for p in self.config_files]

    def _resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.root / path)

    # -- validation ----------------------------------------------------------------------------
    def validate(self) -> None:
        where = f" in {self.path}" if self.path else ""
        if self.channel not in CHANNELS:
            raise ConfigError(f"channel {self.channel!r}{where} must be one of: {', '.join(CHANNELS)}")
        if self.channel == "branch" and not _BRANCH.match(self.branch or ""):
            raise ConfigError(f"branch {self.branch!r}{where} is not a valid git branch name")
        if self.schedule not in SCHEDULES:
            raise ConfigError(f"schedule {self.schedule!r}{where} must be one of: {', '.join(SCHEDULES)}")
        self.allowed_signers = [normalise_fingerprint(f) for f in self.allowed_signers]
        if self.require_signatures and not self.allowed_signers:
            raise ConfigError(f"signatures are required{where} but no allowed signer fingerprint is configured")
        if self.database_url and not self.database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
            raise ConfigError(f"database_url{where} must start with sqlite:///, postgres:// or postgresql://")
        for name in ("keep_releases", "keep_backups"):
            if getattr(self, name) < 2:
                raise ConfigError(f"{name}{where} must be at least 2 (the running release and the one to roll back to)")
        if not 1 <= self.cpu_quota_percent <= 100 * (os.cpu_count() or 1):
            raise ConfigError(f"cpu_quota_percent{where} must be between 1 and {100 * (os.cpu_count() or 1)}")
        MaintenanceWindow.parse(self.maintenance_window)

    # -- loading and saving ----------------------------------------------------------------------
    @classmethod
    def from_dict(cls, values: dict, path: Path | None = None) -> UpdaterConfig:
        known = {f.name: f for f in dataclasses.fields(cls) if f.name != "path"}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting(s) {', '.join(unknown)}" + (f" in {path}" if path else ""))
        kwargs = {}
        for name, value in values.items():
            kwargs[name] = _checked(name, value, known[name], path)
        base = path.parent if path else Path.cwd()
        root = Path(kwargs.pop("root", base))
        root = root if root.is_absolute() else base / root
        return cls(root=root, path=path, **kwargs)

    @classmethod
    def load(cls, path: Path) -> UpdaterConfig:
        try:
            values = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise ConfigError(f"updater configuration {path} does not exist") from None
        except (OSError, ValueError) as error:
            raise ConfigError(f"updater configuration {path} cannot be read: {error}") from None
        if not isinstance(values, dict):
            raise ConfigError(f"updater configuration {path} must be a JSON object")
        return cls.from_dict(values, Path(path).resolve())

    def panel_settings(self) -> dict:
        return {name: getattr(self, name) for name in PANEL_SETTINGS}


def save_panel_settings(path: Path, changes: dict) -> UpdaterConfig:
    """Validate ``changes`` (panel settings only) and write them into the file, keeping every other key."""
    outside = sorted(set(changes) - set(PANEL_SETTINGS))
    if outside:
        raise ConfigError(f"the panel cannot change {', '.join(outside)}")
    values = json.loads(Path(path).read_text()) if Path(path).exists() else {}
    values.update(changes)
    config = UpdaterConfig.from_dict(values, Path(path).resolve())  # raises before anything is written
    values["allowed_signers"] = config.allowed_signers
    write_json_atomic(Path(path), values)
    return config


def find_config_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("APPLIANCE_UPDATER_CONFIG"):
        return Path(os.environ["APPLIANCE_UPDATER_CONFIG"])
    if os.environ.get("APPLIANCE_RELEASE_ROOT"):
        return Path(os.environ["APPLIANCE_RELEASE_ROOT"]) / "updater.json"
    raise ConfigError(
        "no updater configuration: pass --config, or set APPLIANCE_UPDATER_CONFIG or APPLIANCE_RELEASE_ROOT"
    )


def normalise_fingerprint(value: str) -> str:
    cleaned = re.sub(r"\s+", "", str(value)).upper().removeprefix("0X")
    if not _FINGERPRINT.match(cleaned):
        raise ConfigError(f"{value!r} is not a full 40-hex-digit GPG key fingerprint")
    return cleaned


def _checked(name: str, value, spec: dataclasses.Field, path: Path | None):
    where = f" in {path}" if path else ""
    expected = spec.type if isinstance(spec.type, str) else spec.type.__name__
    if expected == "bool":
        ok = isinstance(value, bool)
    elif expected == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        value = float(value) if ok else value
    elif expected == "list[str]":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:  # str and Path
        ok = isinstance(value, str)
    if not ok:
        raise ConfigError(f"setting {name}{where} must be of type {expected}, got {value!r}")
    return value

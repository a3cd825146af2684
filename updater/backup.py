"""Backups before a switch: the database (SQLite online backup or pg_dump) plus config files.

A backup directory is built under a temporary name and renamed when complete, so a directory
without the ``.partial`` suffix is always usable for a restore.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from .config import UpdaterConfig
from .errors import UpdaterError
from .jsonfile import read_json, write_json_atomic

log = logging.getLogger("updater")
MANIFEST = "manifest.json"


class BackupError(UpdaterError):
    pass


def create_backup(config: UpdaterConfig, from_version: str | None, to_version: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    final = config.backup_path / f"{stamp}-{from_version or 'none'}-to-{to_version}"
    partial = final.with_name(final.name + ".partial")
    partial.mkdir(parents=True)
    try:
        manifest = {
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "from_version": from_version, "to_version": to_version,
            "database": _backup_database(config, partial),
            "config_files": _backup_config_files(config, partial),
        }
        write_json_atomic(partial / MANIFEST, manifest)
        os.replace(partial, final)
    except BaseException as error:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(error, (OSError, sqlite3.Error, subprocess.SubprocessError)):
            raise BackupError(f"the backup failed, nothing was changed: {error}") from None
        raise
    log.info("backup written to %s", final)
    return final


def restore_backup(config: UpdaterConfig, backup: Path) -> None:
    manifest = read_json(backup / MANIFEST, None)
    if manifest is None:
        raise BackupError(f"{backup} is not a complete backup (no {MANIFEST})")
    _restore_database(config, backup, manifest["database"])
    for entry in manifest["config_files"]:
        target = Path(entry["path"])
        temporary = target.with_name(f".{target.name}.restore")
        shutil.copy2(backup / entry["saved_as"], temporary)
        os.replace(temporary, target)
    log.info("restored the backup %s", backup.name)


def backups(config: UpdaterConfig) -> list[Path]:
    """Complete backups, oldest first."""
    if not config.backup_path.is_dir():
        return []
    return sorted(p for p in config.backup_path.iterdir() if p.is_dir() and (p / MANIFEST).exists())


def prune_backups(config: UpdaterConfig, keep: int, protect: set[Path] = frozenset()) -> None:
    for path in config.backup_path.glob("*.partial") if config.backup_path.is_dir() else []:
        shutil.rmtree(path, ignore_errors=True)
    for old in backups(config)[:-keep]:
        if old not in protect:
            shutil.rmtree(old, ignore_errors=True)
            log.info("removed old backup %s", old.name)


def backup_left_behind(config: UpdaterConfig, version: str) -> Path | None:
    """The newest backup taken when the appliance updated away from ``version``."""
    for backup in reversed(backups(config)):
        if read_json(backup / MANIFEST, {}).get("from_version") == version:
            return backup
    return None


# -- database ----------------------------------------------------------------------------------
def _backup_database(config: UpdaterConfig, directory: Path) -> dict:
    sqlite_path = config.sqlite_path
    if sqlite_path is None:
        dump = directory / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={config.database_url}"],
             "pg_dump")
        return {"kind": "postgres", "saved_as": dump.name}
    if not sqlite_path.exists():
        log.info("no database at %s yet; nothing to back up", sqlite_path)
        return {"kind": "sqlite", "saved_as": None, "path": str(sqlite_path)}
    copy = directory / "db.sqlite3"
    # The online backup API copies a consistent snapshot while the app keeps writing (WAL included).
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
        verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"the copy of {sqlite_path} fails its integrity check: {verdict}")
    return {"kind": "sqlite", "saved_as": copy.name, "path": str(sqlite_path)}


def _restore_database(config: UpdaterConfig, backup: Path, database: dict) -> None:
    if database["kind"] == "postgres":
        # pg_restore --clean only drops what the dump holds; tables a failed migration added would
        # survive. Recreating the schema in the same transaction as the restore leaves no trace.
        script = _run(["pg_restore", "--no-owner", "--file=-", str(backup / database["saved_as"])], "pg_restore")
        _run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
              f"--dbname={config.database_url}", "--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
              "--file=-"], "psql", input=script)
        return
    live = Path(database["path"])
    if database["saved_as"] is None:
        # There was no database before the update: the failed release created it.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        return
    source = sqlite3.connect(backup / database["saved_as"])
    target = sqlite3.connect(live)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _backup_config_files(config: UpdaterConfig, directory: Path) -> list[dict]:
    saved = []
    for index, path in enumerate(config.config_file_paths()):
        if not path.exists():
            log.info("config file %s does not exist; skipped", path)
            continue
        name = f"config-{index}-{path.name}"
        shutil.copy2(path, directory / name)
        saved.append({"path": str(path), "saved_as": name})
    return saved


def _run(argv: list[str], name: str, input: str | None = None) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, input=input)
    if result.returncode != 0:
        raise subprocess.SubprocessError(f"{name} exited with status {result.returncode}: {result.stderr.strip()}")
    return result.stdout

"""Backups before a switch: SQLite online backup or pg_dump, plus config; a failed backup aborts."""

import json
import sqlite3

import pytest

from updater import UpdaterConfig
from updater.backup import create_backup, restore_backup


def _config(tmp_path, **values):
    path = tmp_path / "updater.json"
    path.write_text(json.dumps({"data_dir": "data", **values}))
    (tmp_path / "data").mkdir(exist_ok=True)
    return UpdaterConfig.load(path)


def test_a_sqlite_database_in_wal_mode_is_restored_exactly(tmp_path):
    config = _config(tmp_path)
    database = sqlite3.connect(config.sqlite_path)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("CREATE TABLE jobs (name TEXT)")
    database.execute("INSERT INTO jobs VALUES ('meeting.mp3')")
    database.commit()

    backup = create_backup(config, "v1.0.0", "v1.1.0")
    database.execute("INSERT INTO jobs VALUES ('written after the backup')")
    database.execute("CREATE TABLE added_by_migration (x)")
    database.commit()
    restore_backup(config, backup)

    assert database.execute("SELECT name FROM jobs").fetchall() == [("meeting.mp3",)]
    assert database.execute("SELECT name FROM sqlite_master WHERE name = 'added_by_migration'").fetchall() == []
    database.close()


def test_a_postgres_database_is_dumped_and_restored(tmp_path, postgres):
    postgres.psql("DROP TABLE IF EXISTS jobs; CREATE TABLE jobs (name text); INSERT INTO jobs VALUES ('meeting.mp3')")
    config = _config(tmp_path, database_url=postgres.url)

    backup = create_backup(config, "v1.0.0", "v1.1.0")
    postgres.psql("INSERT INTO jobs VALUES ('written after the backup'); CREATE TABLE added_by_migration (x int)")
    restore_backup(config, backup)

    assert (backup / "database.pgdump").stat().st_size > 0
    assert postgres.psql("SELECT name FROM jobs") == "meeting.mp3"
    assert postgres.psql("SELECT count(*) FROM pg_tables WHERE tablename = 'added_by_migration'") == "0"


@pytest.fixture
def pending_update(appliance, upstream):
    appliance.install("v1.1.0")
    upstream.release("v1.2.0", "Release v1.2.0")
    return appliance


def test_a_failed_backup_aborts_the_update_before_anything_changes(pending_update):
    database = pending_update.data / "db.sqlite3"
    database.write_bytes(b"this is not a database, it was damaged" * 200)

    result = pending_update.updater.apply()

    assert result["status"] == "failed"
    assert result["message"] == ("the backup failed, nothing was changed: file is not a database; "
                                 "the running release was not touched")
    assert [step["name"] for step in result["steps"]][-1] == "backup"
    assert pending_update.get("/version") == "v1.1.0"
    assert not list((pending_update.data / "backups").glob("*.partial"))


def test_an_unreachable_postgres_aborts_the_update(pending_update, tmp_path):
    pending_update.write_config(database_url=f"postgresql://postgres@/postgres?host={tmp_path}")

    result = pending_update.updater.apply()

    assert result["status"] == "failed"
    assert result["message"].startswith("the backup failed, nothing was changed: pg_dump exited with status 1: ")
    assert pending_update.get("/version") == "v1.1.0"

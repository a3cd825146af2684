import pytest

from appliance.plumbing.database_url import parse_database_url
from appliance.plumbing.env import EnvError


def test_a_postgres_url_becomes_a_postgresql_database():
    database = parse_database_url("postgres://whisper:s%40cret@db.example:5433/appliance?sslmode=require")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("appliance", "whisper", "s@cret")
    assert (database["HOST"], database["PORT"]) == ("db.example", "5433")
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_a_sqlite_url_gets_wal_and_a_busy_timeout(tmp_path):
    database = parse_database_url(f"sqlite:///{tmp_path}/x.sqlite3")
    assert database["NAME"] == f"{tmp_path}/x.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert "busy_timeout" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_the_running_sqlite_database_really_is_in_wal_mode(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h/", "sqlite://"])
def test_unsupported_or_incomplete_urls_are_refused(url):
    with pytest.raises(EnvError):
        parse_database_url(url)

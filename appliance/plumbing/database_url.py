"""DATABASE_URL → Django DATABASES entry (only the two engines the appliance supports)."""
from urllib.parse import parse_qsl, unquote, urlsplit

from appliance.plumbing.env import EnvError

SQLITE_BUSY_TIMEOUT_MS = 20000

# WAL lets daphne read while a worker writes; busy_timeout makes a writer wait for the lock
# instead of failing with "database is locked"; IMMEDIATE takes the write lock at BEGIN so two
# writers never deadlock upgrading read locks.
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
}


def sqlite_database(path):
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


def parse_database_url(url):
    """postgres://user:password@host:port/name?sslmode=require or sqlite:////absolute/path."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # As dj-database-url: sqlite:////abs/path is absolute, sqlite:///rel/path relative.
        path = unquote(parts.path)[1:]
        if not path:
            raise EnvError(f"DATABASE_URL {url!r} names no SQLite file (use sqlite:////absolute/path)")
        return sqlite_database(path)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise EnvError("DATABASE_URL names no PostgreSQL database (postgres://user@host/NAME)")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise EnvError(f"DATABASE_URL scheme {parts.scheme!r} is not supported: use postgres:// or sqlite://")

"""A private PostgreSQL cluster for tests that need the real server: initdb into a temp dir, a unix
socket only, run as the postgres user (initdb refuses root), removed afterwards."""
import contextlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Postgres:
    url: str  # "postgresql://postgres@/postgres?host=/tmp/pg-…", usable as DATABASE_URL
    socket_dir: Path

    def psql(self, sql: str) -> str:
        result = subprocess.run(["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
                                 "--set=ON_ERROR_STOP=1", f"--dbname={self.url}", "--command", sql],
                                capture_output=True, text=True, check=True)  # fmt: skip
        return result.stdout.strip()


@contextlib.contextmanager
def private_postgres():
    """Yields a Postgres (url, socket_dir, psql()) for as long as the block runs."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    directory = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))
    shutil.chown(directory, "postgres", "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, str(binaries / "initdb"), "--auth=trust", "--username=postgres",
                    "-D", str(directory / "data")], check=True, capture_output=True)  # fmt: skip
    subprocess.run([*as_postgres, str(binaries / "pg_ctl"), "-D", str(directory / "data"), "-w", "-l",
                    str(directory / "log"), "-o", f"-k {directory} -c listen_addresses=''", "start"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield Postgres(f"postgresql://postgres@/postgres?host={directory}", directory)
    finally:
        subprocess.run([*as_postgres, str(binaries / "pg_ctl"), "-D", str(directory / "data"), "-m", "immediate",
                        "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(directory, ignore_errors=True)

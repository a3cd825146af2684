"""Fixtures of the updater tests: a real bare "upstream" git repository with tagged releases of a
stand-in application, real GPG keys, and a release root in a temp directory.

The stand-in application of each release is updater/sandbox.py's: `server.py` serves /healthz and
/version over HTTP (started by the sandbox's restart hook, as systemd would), `migrate.py` changes
a SQLite database in the shared data dir, `collect.py` plays collectstatic, and the release's own
venv must import `wa_updater_testdep`, installed by pip from the local wheelhouse.

Fixtures
--------
signing_keys  (session) GPG keys made with `gpg --batch`: .trusted, .stranger (public key known to the
              updater but not allowed), .outsider (public key unknown to the updater); .home signs,
              .verify_home holds the public keys of trusted and stranger only.
test_wheel    (session) Path of the wa_updater_testdep wheel, built once with pip.
new_appliance (session) factory of Appliance objects, for module-scoped scenario fixtures.
appliance     (function) Appliance: a release root configured for its own upstream; .updater,
              .install(v), .write_config(**changes), .get(path), .rows(table), .cli(*args).
upstream      (function) appliance.upstream: a bare repo with v1.0.0 and v1.1.0 released (signed
              by trusted); .release(v, subject, signer=..., health_status=..., migration_fails=...).
gate          (function) command line that parks a run until the test creates gate.release.
postgres      (session) a private PostgreSQL cluster: .url, .psql(sql).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from postgres_cluster import private_postgres

from updater import Updater, UpdaterConfig, sandbox

HERE = Path(__file__).resolve().parent
REPOSITORY_ROOT = HERE.parent.parent
PYTHON = sys.executable


# -- GPG -----------------------------------------------------------------------------------------
@dataclass
class SigningKeys:
    home: Path
    verify_home: Path
    trusted: str
    stranger: str
    outsider: str


def _gpg(home: Path, *args: str, input: bytes | None = None) -> str:
    result = subprocess.run(["gpg", "--homedir", str(home), "--batch", *args], input=input,
                            capture_output=True, check=True)
    return result.stdout.decode()


def _make_key(home: Path, name: str) -> str:
    _gpg(home, "--passphrase", "", "--quick-gen-key", f"{name} <{name}@example.test>", "ed25519", "sign", "never")
    listing = _gpg(home, "--with-colons", "--list-secret-keys", f"{name}@example.test")
    return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))


@pytest.fixture(scope="session")
def signing_keys():
    # Short paths: gpg-agent's socket path must stay under the unix socket length limit.
    home = Path(tempfile.mkdtemp(prefix="gpg-s", dir="/tmp"))
    verify_home = Path(tempfile.mkdtemp(prefix="gpg-v", dir="/tmp"))
    keys = SigningKeys(home, verify_home, *(_make_key(home, n) for n in ("trusted", "stranger", "outsider")))
    for fingerprint in (keys.trusted, keys.stranger):
        _gpg(verify_home, "--import", input=_gpg(home, "--armor", "--export", fingerprint).encode())
    yield keys
    for path in (home, verify_home):
        subprocess.run(["gpgconf", "--homedir", str(path), "--kill", "all"], capture_output=True)
        shutil.rmtree(path, ignore_errors=True)


# -- the stand-in application ------------------------------------------------------------------
@pytest.fixture(scope="session")
def test_wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("testdep")
    (source / "wa_updater_testdep").mkdir()
    (source / "wa_updater_testdep" / "__init__.py").write_text("GREETING = 'dependency installed'\n")
    (source / "pyproject.toml").write_text(textwrap.dedent("""
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "wa-updater-testdep"
        version = "1.0"
    """))
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run([PYTHON, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(out), str(source)], check=True)
    return next(out.glob("*.whl"))


class Upstream(sandbox.Upstream):
    """The sandbox upstream with the test keys: ``signer`` names one ("trusted" by default) or None."""

    def __init__(self, base: Path, keys: SigningKeys):
        super().__init__(base, requirements=["wa-updater-testdep==1.0"], imports=["wa_updater_testdep"],
                         gnupg_home=keys.home)
        self.keys = keys

    def tag(self, version: str, signer: str | None = "trusted", force: bool = False) -> None:
        super().tag(version, getattr(self.keys, signer) if signer else None, force)

    def release(self, version: str, subject: str | None = None, signer: str | None = "trusted", **app) -> str:
        commit = self.commit(version, subject or f"Release {version}", **app)
        self.tag(version, signer)
        self.push()
        return commit


def build_upstream(base: Path, keys: SigningKeys) -> Upstream:
    """v1.0.0 and v1.1.0 released, both tags signed by the trusted key."""
    repo = Upstream(base, keys)
    repo.commit("v0.9.0", "Initial layout")
    repo.release("v1.0.0", "Release v1.0.0")
    repo.commit("v1.1.0", "Faster uploads")
    repo.release("v1.1.0", "Release v1.1.0")
    return repo


# -- the appliance -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Appliance:
    """A release root as on /opt/whisper-appliance, with the stand-in app served on a free port."""

    def __init__(self, root: Path, upstream: Upstream, keys: SigningKeys, wheel: Path):
        self.root = root
        self.upstream = upstream
        self.data = root / "data"
        self.data.mkdir(parents=True)
        self.port = free_port()
        (root / "cache" / "wheelhouse").mkdir(parents=True)
        shutil.copy2(wheel, root / "cache" / "wheelhouse")
        self.config_path = root / "updater.json"
        self.settings = {
            **sandbox.sandbox_settings(str(upstream.bare), self.port, install_commands=[
                sandbox.pip_install_command("--no-index", "--find-links", "{wheelhouse}")]),
            "config_files": ["appliance.env"], "keep_releases": 3, "health_timeout_seconds": 30,
            # Staging at idle priority would wait behind every other process on a shared test
            # machine; test_clean_update.py turns it on and checks it.
            "low_priority": False,
            "gnupg_home": str(keys.verify_home), "allowed_signers": [keys.trusted],
        }
        (root / "appliance.env").write_text("APPLIANCE_SECRET=original\n")
        self.initial_settings = dict(self.settings)
        self.write_config()

    def reset_config(self) -> None:
        """Back to the settings it was made with (for scenarios shared by a module's tests)."""
        self.settings = dict(self.initial_settings)
        self.write_config()

    def write_config(self, **changes) -> None:
        self.settings.update(changes)
        self.config_path.write_text(json.dumps(self.settings, indent=2))

    @property
    def config(self) -> UpdaterConfig:
        return UpdaterConfig.load(self.config_path)

    @property
    def updater(self) -> Updater:
        return Updater(self.config)

    def install(self, version: str) -> dict:
        result = self.updater.apply(version=version)
        assert result["status"] == "succeeded", result
        return result

    def current(self) -> str | None:
        return self.updater.status()["current"]["version"] if (self.root / "current").exists() else None

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
            return response.read().decode()

    def rows(self, table: str = "applied") -> list[tuple]:
        import sqlite3

        with sqlite3.connect(self.data / "db.sqlite3") as database:
            return sorted(database.execute(f"SELECT * FROM {table}").fetchall())

    def cli(self, *args: str, config: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([PYTHON, "-m", "updater", *args, "--config", str(config or self.config_path)],
                              cwd=REPOSITORY_ROOT, capture_output=True, text=True, timeout=300)

    def cli_background(self, *args: str) -> subprocess.Popen:
        # Own process group: a test can SIGKILL the updater with everything it started, like systemd.
        return subprocess.Popen([PYTHON, "-m", "updater", *args, "--config", str(self.config_path)],
                                cwd=REPOSITORY_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)

    def stop(self) -> None:
        sandbox.stop(self.data)


@pytest.fixture(scope="session")
def new_appliance(tmp_path_factory, signing_keys, test_wheel):
    """Factory for module-scoped scenarios: each call gives a fresh upstream and release root."""
    made = []

    def make() -> Appliance:
        base = tmp_path_factory.mktemp("appliance")
        machine = Appliance(base / "opt", build_upstream(base, signing_keys), signing_keys, test_wheel)
        made.append(machine)
        return machine

    yield make
    for machine in made:
        machine.stop()


@pytest.fixture
def appliance(new_appliance):
    machine = new_appliance()
    yield machine
    machine.stop()


@pytest.fixture
def upstream(appliance):
    return appliance.upstream


@pytest.fixture
def gate(tmp_path):
    """Command line (for a command setting) that parks a run until gate.release exists."""
    return f"{PYTHON} {HERE / 'gate.py'} {tmp_path / 'gate'}"


# -- PostgreSQL ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL cluster on a unix socket (tests/postgres_cluster.py)."""
    with private_postgres() as cluster:
        yield cluster

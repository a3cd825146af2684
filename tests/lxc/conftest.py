"""Fixtures for the lxc/ scripts.

Proxmox's `pct` and `pveam` exist only on a Proxmox VE host, so lxc/proxmox-install.sh is tested at
its edge: its --dry-run prints every pct/pveam command it would run, and the tests read that.
Everything else here runs for real (bash, git, tar, zstd).

Fixtures
--------
lxc_dir            (session) Path of lxc/.
run_installer      (session) run_installer(*arguments, env={...}, user=None) -> CompletedProcess of
                   lxc/proxmox-install.sh with a clean environment plus env; user runs it as that user.
dry_run            (session) dry_run(**env) -> the list of printed command lines (GPU-free defaults).
"""
import os
import subprocess
from pathlib import Path

import pytest

LXC = Path(__file__).resolve().parents[2] / "lxc"
BASE_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GPU": "none", "CTID": "123"}


@pytest.fixture(scope="session")
def lxc_dir():
    return LXC


@pytest.fixture(scope="session")
def run_installer():
    def run(*arguments, env=None, user=None):
        command = ["bash", str(LXC / "proxmox-install.sh"), *arguments]
        if user:
            command = ["runuser", "-u", user, "--", *command]
        environment = {**BASE_ENV, **(env or {})}
        environment = {name: value for name, value in environment.items() if value is not None}
        return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    return run


@pytest.fixture(scope="session")
def dry_run(run_installer):
    def lines(**env):
        result = run_installer("--dry-run", env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()
    return lines

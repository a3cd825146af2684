"""Run a command as a child process and report its exit status, output and peak RSS."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ProcessResult:
    returncode: int
    stdout: str
    stderr: str
    wall_seconds: float
    peak_rss_mb: float


def run_measured(command, env=None, cwd=None, timeout=None):
    """Run `command`; peak RSS comes from wait4() (the kernel's count, no polling gaps)."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=cwd)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        return ProcessResult(
            returncode=child.returncode,
            stdout=stdout.read().decode("utf-8", "replace"),
            stderr=stderr.read().decode("utf-8", "replace"),
            wall_seconds=wall,
            peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        )


REPOSITORY_ROOT = Path(__file__).resolve().parents[1]


def run_python_subject(module_arguments, timeout, description, extra_environment=None):
    """Run `python -m <module_arguments...>` from the repository root in a fresh process; its
    last stdout line is a JSON object of figures. Returns (figures, ProcessResult)."""
    environment = {**os.environ, **(extra_environment or {})}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY_ROOT), environment.get("PYTHONPATH")]))
    measured = run_measured([sys.executable, "-m", *module_arguments], env=environment, cwd=REPOSITORY_ROOT,
                            timeout=timeout)
    if measured.returncode != 0:
        raise RuntimeError(f"{description} run failed ({measured.returncode}): {measured.stderr[-2000:]}")
    return json.loads(measured.stdout.strip().splitlines()[-1]), measured


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on now, for a server under test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

"""Run a command as a child process and report its exit status, output and peak RSS."""
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass


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

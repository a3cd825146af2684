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


# --- process trees of a benchmark run --------------------------------------------------------------
# Suites start servers in sessions of their own (daphne, Celery, redis-server), so neither a process
# group nor the parent chain finds them all once a parent is gone. Every process of a run carries
# this variable in its environment instead (children inherit it), and the sweep looks for it.
RUN_MARKER = "WHISPER_APPLIANCE_BENCHMARK_RUN"
# What a benchmark's processes must never share with the appliance that starts them: its queue,
# its database, its data dir (a suite's appliance starts its own Redis and SQLite instead).
APPLIANCE_ONLY_VARIABLES = ("REDIS_URL", "DATABASE_URL", "APPLIANCE_DATA_DIR")


def isolated_environment(marker, data_dir, base=None):
    """The environment of a benchmark child: the appliance's own Redis, database and data dir taken
    away, a scratch data dir instead, and the run's marker."""
    environment = {key: value for key, value in (os.environ if base is None else base).items()
                   if key not in APPLIANCE_ONLY_VARIABLES}
    environment.update({RUN_MARKER: marker, "APPLIANCE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY_ROOT), environment.get("PYTHONPATH")]))
    return environment


def marked_processes(marker):
    """The live processes whose environment carries `marker` (this user's processes only)."""
    import psutil

    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(RUN_MARKER) == marker and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def reap_marked(marker, grace_seconds=5.0, rounds=3):
    """SIGTERM every process of the run, SIGKILL what is left after `grace_seconds`; again while a
    dying parent started something new. Returns the pids that were signalled."""
    import psutil

    signalled = []
    for _ in range(rounds):
        processes = marked_processes(marker)
        if not processes:
            break
        for process in processes:
            _quietly(process.terminate)
        _, alive = psutil.wait_procs(processes, timeout=grace_seconds)
        for process in alive:
            _quietly(process.kill)
        psutil.wait_procs(alive, timeout=grace_seconds)
        signalled += [process.pid for process in processes]
    return signalled


def _quietly(action):
    import psutil

    try:
        action()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        pass

"""The System page: load of this host, the job queue, the workers, and what software runs.

Every probe degrades to a sentence when its source is down (Redis, git, NVML), because this
is the page an admin opens exactly when something is wrong.
"""
import platform
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import psutil
from django.conf import settings

from appliance.panel import devices
from appliance.runtime import presence
from appliance.plumbing.redis_client import get_redis

# kombu's Redis transport keeps a queue in a list named after it, plus one list per priority
# step ("celery\x06\x163", ...) when priorities are used.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)
MB = 2**20


@dataclass(frozen=True)
class Versions:
    app: str
    git_revision: str
    python: str
    faster_whisper: str
    ctranslate2: str
    django: str
    celery: str


def _distribution_version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_revision(root=None):
    root = Path(root or settings.RELEASE_ROOT or settings.BASE_DIR)
    try:
        completed = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty", "--tags"],
                                   capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (git is not available)"
    revision = completed.stdout.strip()
    return revision if completed.returncode == 0 and revision else "unknown (not a git checkout)"


def app_version():
    """The installed package's version; a plain checkout (no `pip install -e .`) reads pyproject.toml."""
    version = _distribution_version("whisper-appliance")
    if version != "not installed":
        return version
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"] + " (checkout)"
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def versions():
    return Versions(
        app=app_version(),
        git_revision=git_revision(),
        python=platform.python_version(),
        faster_whisper=_distribution_version("faster-whisper"),
        ctranslate2=_distribution_version("ctranslate2"),
        django=_distribution_version("Django"),
        celery=_distribution_version("celery"),
    )


def queue_depth(queue_names=("celery",)):
    """Messages waiting in the broker (not the ones a worker has already taken)."""
    client = get_redis()
    names = [name if step == 0 else f"{name}{PRIORITY_SEPARATOR}{step}"
             for name in queue_names for step in PRIORITY_STEPS]
    pipeline = client.pipeline()
    for name in names:
        pipeline.llen(name)
    return sum(pipeline.execute())


def job_counts():
    from appliance.jobs.models import Status, Transcription

    counts = {status: 0 for status in (Status.QUEUED, Status.RUNNING)}
    for status in counts:
        counts[status] = Transcription.objects.filter(status=status).count()
    return counts


def host_load():
    memory = psutil.virtual_memory()
    disk = shutil.disk_usage(settings.DATA_DIR)
    return {
        # A short sample: the first cpu_percent() call of a process always answers 0.
        "cpu_percent": psutil.cpu_percent(interval=0.2),
        "load_average": [round(value, 2) for value in psutil.getloadavg()],
        "ram_total_mb": memory.total // MB,
        "ram_used_mb": (memory.total - memory.available) // MB,
        "ram_percent": memory.percent,
        "disk_path": str(settings.DATA_DIR),
        "disk_total_mb": disk.total // MB,
        "disk_used_mb": disk.used // MB,
        "disk_free_mb": disk.free // MB,
        "disk_percent": round(disk.used / disk.total * 100, 1) if disk.total else 0.0,
        "disk_low": disk.free < settings.MIN_FREE_DISK_MB * MB,
        "disk_reserve_mb": settings.MIN_FREE_DISK_MB,
        "uptime_seconds": int(time.time() - psutil.boot_time()),
    }


def workers():
    """One row per model-owning process (workers and live engines): what it has loaded, whether
    it is busy, and its memory, from its presence record."""
    return [_worker_row(record) for record in presence.present()]


def _worker_row(report):
    seen_at = report.get("at")
    return {
        "identity": report["identity"],
        "role": report.get("role", "worker"),
        "seen_seconds_ago": round(time.time() - seen_at, 1) if seen_at else None,
        "busy": report.get("busy"),
        "loaded": [model["name"] for model in report.get("loaded", ())],
        "rss_mb": report.get("rss_mb"),
        "device": report.get("device", ""),
        "applied_revision": report.get("applied_revision"),
        "error": report.get("error", ""),
    }


def _probe(function, *args):
    try:
        return function(*args), ""
    except Exception as error:  # noqa: BLE001 - one broken source must not hide the others
        return None, f"{type(error).__name__}: {error}"


def system_status():
    queue, queue_problem = _probe(queue_depth)
    worker_rows, workers_problem = _probe(workers)
    jobs, jobs_problem = _probe(job_counts)
    return {
        "host": host_load(),
        "gpu": devices.read_nvidia_gpus(),
        "queue_depth": queue,
        "queue_problem": queue_problem,
        "jobs": jobs,
        "jobs_problem": jobs_problem,
        "workers": worker_rows or [],
        "workers_problem": workers_problem,
        "versions": versions(),
    }

"""`python -m appliance.runtime.worker_command [celery worker options]`: the jobs worker, its pool chosen
from the engine pipeline setting, so `make run`, systemd and the tests start the same thing.

- "dynamic" (APPLIANCE_ENGINE_PIPELINE): a threads pool of APPLIANCE_WORKER_CONCURRENCY jobs
  in one process. The jobs must share a process to share batches (the PooledScheduler), and
  threads cost nothing while the GIL is free: CTranslate2, FFmpeg and ONNX VAD release it.
- "faster-whisper": one prefork child running one job at a time, as before pooling existed;
  a child lost mid-job is given back by Celery (reject_on_worker_lost).

In both, a worker killed whole is caught by the orphan sweep (appliance.jobs.services).
The process execs Celery, so its pid is the worker's (systemd and `make run` signal it).
"""
import os
import sys

# Jobs a threads-pool worker runs, and pools, at once (APPLIANCE_WORKER_CONCURRENCY).
DEFAULT_CONCURRENCY = 4


def pool_arguments(pipeline, concurrency):
    if pipeline == "dynamic":
        return ["--pool", "threads", "--concurrency", str(concurrency)]
    return ["--pool", "prefork", "--concurrency", "1"]


def worker_command(extra_arguments=()):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
    from django.conf import settings

    return [
        sys.executable, "-m", "celery", "-A", "appliance.celery", "worker",
        *pool_arguments(settings.ENGINE_PIPELINE, settings.WORKER_CONCURRENCY), *extra_arguments,
    ]  # fmt: skip


def main(argv=None):
    command = worker_command(sys.argv[1:] if argv is None else argv)
    from django.conf import settings

    if settings.ENGINE_PIPELINE == "dynamic":
        from appliance.engine.models.memory_release import threaded_worker_environment
        from appliance.engine.files.pipelined_decoding import available_cores

        for name, value in threaded_worker_environment(available_cores()).items():
            os.environ.setdefault(name, value)  # an admin's own setting wins
    os.execv(command[0], command)


if __name__ == "__main__":
    main()

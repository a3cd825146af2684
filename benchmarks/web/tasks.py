"""The benchmark run as a Celery task: takes the run's id, reloads the row, runs its suites.

Also the worker's start and stop: a run left "running" by a worker that died is marked failed when
a worker starts, and a stopping worker ends the suites it runs (they are child processes in
sessions of their own, which a stop of the worker's process group would not reach)."""
import logging

from celery import shared_task
from celery.signals import worker_ready, worker_shutting_down

from benchmarks.web import execution, services

logger = logging.getLogger(__name__)


@shared_task(name="benchmarks.run", ignore_result=True, acks_late=False)
def run_benchmark(run_id):
    # acks_late off: a worker killed mid-benchmark must not start the whole run over on restart.
    run = execution.claim(run_id)
    if run is None:
        return  # gone, cancelled, or another delivery already has it
    try:
        execution.execute(run, services.work_dir(), services.audio_suite_names())
    except Exception as error:
        logger.exception("benchmark run %s failed", run_id)
        execution.fail(run_id, f"{type(error).__name__}: {error}")


@worker_ready.connect
def fail_runs_left_by_a_dead_worker(**kwargs):
    try:
        execution.fail_stale_runs()
    except Exception:  # the database may not be migrated yet: never stop the worker from starting
        logger.exception("could not check for stale benchmark runs")


@worker_shutting_down.connect
def stop_running_suites(**kwargs):
    try:
        execution.stop_local_runs()
    except Exception:
        logger.exception("could not stop the running benchmark suites")

"""The benchmark run as a Celery task: takes the run's id, reloads the row, runs its suites."""
import logging

from celery import shared_task

from benchmarks.web import services

logger = logging.getLogger(__name__)


@shared_task(name="benchmarks.run", ignore_result=True, acks_late=False)
def run_benchmark(run_id):
    # acks_late off: a worker killed mid-benchmark must not start the whole run over on restart.
    run = services.claim(run_id)
    if run is None:
        return  # gone, or another delivery already has it
    try:
        services.execute(run)
    except Exception as error:
        logger.exception("benchmark run %s failed", run_id)
        services.fail(run_id, f"{type(error).__name__}: {error}")

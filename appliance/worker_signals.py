"""`task_process_started`: "this process is about to run tasks", whatever Celery pool runs them.

Models must load in the process that transcribes. Celery's worker_process_init fires there for
the prefork pool (in each child) and the solo pool, but never for the threads pool, whose tasks
run in the worker process itself; there worker_init is the moment. worker_init alone would not
do: under prefork it fires in the parent, which must not load models it would copy into every
fork. Handlers connect here once and run exactly once per task process.
"""
from celery import concurrency
from celery.signals import worker_init, worker_process_init
from celery.utils.dispatch import Signal

task_process_started = Signal(name="task_process_started")

THREADS_POOL_MODULE = "celery.concurrency.thread"


def runs_tasks_in_worker_process(pool_cls):
    """True for a pool whose tasks run in the worker process itself as threads."""
    return concurrency.get_implementation(pool_cls).__module__ == THREADS_POOL_MODULE


@worker_process_init.connect(weak=False)
def _pool_process_started(**kwargs):
    task_process_started.send(sender=None)


@worker_init.connect(weak=False)
def _threads_worker_started(sender=None, **kwargs):
    if sender is not None and runs_tasks_in_worker_process(sender.pool_cls):
        task_process_started.send(sender=sender)

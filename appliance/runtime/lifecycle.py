"""One start and one stop for every process that holds Whisper models.

`start(role)` runs once per process, in this order: take the panel's saved engine settings (so a
worker never loads the environment's preload set only to drop it a moment later), preload, start
the idle reaper, announce the process in the presence registry, then follow settings changes.
`stop()` undoes it. The Celery worker calls them from the signals below; the live engine
command calls them itself.

Models must load in the process that transcribes. Celery's worker_process_init fires there for
the prefork pool (in each child) and the solo pool, but never for the threads pool, whose tasks
run in the worker process itself; there worker_init is the moment. worker_init alone would not
do: under prefork it fires in the parent, which must not load models it would copy into every
fork. `task_process_started` fires exactly once per task process, whatever the pool.
"""
import logging
import threading

from celery import concurrency
from celery.signals import worker_init, worker_process_init, worker_process_shutdown, worker_shutdown
from celery.utils.dispatch import Signal
from django.conf import settings

from appliance.runtime.follower import ConfigFollower, engine_config_for, read_desired
from appliance.runtime.manager import get_model_manager
from appliance.runtime.presence import Presence

logger = logging.getLogger(__name__)

task_process_started = Signal(name="task_process_started")
THREADS_POOL_MODULE = "celery.concurrency.thread"

_lock = threading.Lock()
_running = {}  # the one running process state: {"manager", "presence", "follower"}


def start(role, manager=None, desired_fallback=None):
    """Start this process as `role` ("worker" or "live") around `manager` (default: the process's
    own); `desired_fallback()` answers the panel's saved settings when Redis holds none.
    Idempotent: a second call returns the running manager."""
    with _lock:
        if _running:
            return _running["manager"]
        manager = manager or get_model_manager()
        follower = ConfigFollower(manager, settings.REDIS_URL, role=role, desired_fallback=desired_fallback)
        presence = Presence(role, describe=follower.state)
        follower.presence = presence
        _running.update(manager=manager, presence=presence, follower=follower)
    _apply_saved_settings(manager, desired_fallback)
    try:
        manager.preload()
    except Exception:
        # A missing preload model must not keep the process from serving other models;
        # /healthz and the panel show what is loaded.
        logger.exception("preloading models failed")
    manager.start_idle_reaper()
    presence.start()
    follower.start()
    return manager


def _apply_saved_settings(manager, desired_fallback):
    try:
        desired = read_desired(settings.REDIS_URL) or (desired_fallback() if desired_fallback else None)
        if desired is not None:
            manager.apply_config(engine_config_for(manager.config, desired), load_preloaded=False)
    except Exception:  # noqa: BLE001 - Redis or the database down must not stop the process
        logger.exception("could not read the panel's engine settings; starting on the environment's")


def stop():
    """Stop following settings, leave the presence registry, and release pooled work."""
    with _lock:
        running = dict(_running)
        _running.clear()
    if not running:
        return
    running["follower"].stop()
    running["presence"].stop()
    from appliance.engine.files.pooled_scheduler import close_shared_scheduler

    # Celery stops here after its running tasks ended (warm shutdown): nothing is pooled now.
    close_shared_scheduler(running["manager"])


def running_presence():
    """This process's presence record (None before start), for fields a role adds (live sessions)."""
    return _running.get("presence")


# --- Celery: when a process starts or stops running tasks -------------------------------------------

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


@worker_process_shutdown.connect(weak=False)
@worker_shutdown.connect(weak=False)
def _task_process_stopping(**kwargs):
    stop()

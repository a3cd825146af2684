"""Makes every process that owns a ModelManager follow the panel's engine settings.

Celery workers are hooked through signals (connected in PanelConfig.ready), so the jobs app
needs no change. Any other process with its own manager (the live engine) calls
`follow_engine_settings(manager, role="live")` once at start.
"""
import logging
import threading

from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings
from django.db import DatabaseError, connection

from appliance.panel import broadcast
from appliance.worker_signals import task_process_started

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_followers = {}  # role -> ConfigFollower of this process


def engine_settings_from_database():
    """The saved settings (or the environment's defaults), None while the database cannot
    answer (not migrated yet, restarting); usable from any thread."""
    from appliance.panel.models import ApplianceSettings

    try:
        return ApplianceSettings.current().engine_settings()
    except DatabaseError as error:
        logger.warning("engine settings cannot be read from the database yet: %s", error)
        return None
    finally:
        # The follower thread has its own connection; closing it keeps SQLite from holding a
        # reader open for the life of the worker.
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def desired_engine_settings():
    return broadcast.read_desired(settings.REDIS_URL) or engine_settings_from_database()


def follow_engine_settings(manager, role="worker", apply_now=True):
    """This process's follower for `manager` (replacing an earlier one), with the panel's
    settings already applied; call .start() on it once the process has preloaded its models."""
    with _lock:
        previous = _followers.pop(role, None)
        if previous is not None:
            previous.stop()
        follower = broadcast.ConfigFollower(
            manager, settings.REDIS_URL, role=role, desired_fallback=engine_settings_from_database
        )
        _followers[role] = follower
    if apply_now:
        # Take the panel's settings before the first preload, so a worker never loads the
        # environment's preload set only to drop it a moment later. Loading is left to the
        # process's own start-up; the follower's first round re-checks and reports.
        try:
            desired = desired_engine_settings()
            if desired is not None:
                manager.apply_config(broadcast.engine_config_for(manager.config, desired), load_preloaded=False)
        except Exception:  # noqa: BLE001 - Redis or the database down must not stop the process
            logger.exception("could not read the panel's engine settings; starting on the environment's")
    return follower


def start_follower(role="worker"):
    with _lock:
        follower = _followers.get(role)
    if follower is not None and not follower.running:
        follower.start()
    return follower


def stop_followers():
    with _lock:
        followers = list(_followers.values())
        _followers.clear()
    for follower in followers:
        follower.stop()


@task_process_started.connect
def follow_settings_in_the_task_process(**kwargs):
    # The prefork child (or the solo/threads worker itself) owns the ModelManager; Celery's control
    # commands would run in the parent, which has none: hence a thread here, not a remote command.
    from appliance.jobs.engine_runtime import get_model_manager, start_worker_runtime

    follow_engine_settings(get_model_manager())
    # Idempotent: the jobs app's own handler then finds the runtime started, with our settings.
    start_worker_runtime()
    start_follower()


@worker_process_shutdown.connect
@worker_shutdown.connect
def stop_following_settings(**kwargs):
    stop_followers()

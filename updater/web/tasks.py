"""The periodic update check from Celery beat (CELERY_BEAT_SCHEDULE in settings ticks every 10 minutes; this task
decides whether the appliance's randomised slot has come)."""

import logging
from datetime import datetime, timezone

from celery import shared_task

from updater import ConfigError, LockHeld
from updater.web import services
from updater.web.schedule import check_is_due

log = logging.getLogger(__name__)


@shared_task(name="updater.web.tasks.periodic_check", ignore_result=True)
def periodic_check():
    try:
        updater = services.load_updater()
    except ConfigError as error:
        log.debug("no periodic update check: %s", error)
        return "not managed"
    last = (updater.status().get("last_check") or {}).get("checked_at")
    now = datetime.now(timezone.utc)
    if not check_is_due(now.astimezone(), updater.config.schedule, services.parse_time(last)):
        return "not due"
    # Unattended: `apply --if-available` only checks unless automatic updates are on.
    arguments = ["apply", "--if-available"] if updater.config.auto_apply else ["check"]
    try:
        services.launch(updater, *arguments)
    except LockHeld:
        return "busy"
    return " ".join(arguments)

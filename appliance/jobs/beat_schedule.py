"""Periodic tasks of the jobs app, merged into CELERY_BEAT_SCHEDULE (plain data only)."""

BEAT_SCHEDULE = {
    "jobs-requeue-orphans": {"task": "jobs.requeue_orphans", "schedule": 60.0},
}

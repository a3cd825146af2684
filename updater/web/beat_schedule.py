# Plain data: imported while the settings load (appliance.optional_apps.merged_beat_schedule).
BEAT_SCHEDULE = {
    "updater-periodic-check": {"task": "updater.web.tasks.periodic_check", "schedule": 600.0},
}

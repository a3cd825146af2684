"""`python manage.py updater_activity`: the updater's idle check (its `idle_command` setting).

Prints {"running_jobs": N, "live_sessions": M}; the updater switches releases only when every
count is 0 (queued jobs wait in Redis and survive a restart, running ones and live streams would not).
"""

import json

from django.core.management.base import BaseCommand

from appliance.jobs.models import Status, Transcription
from appliance.runtime.presence import live_session_count


class Command(BaseCommand):
    help = "Print what a restart would interrupt, as JSON counts, for the updater's idle check."

    def handle(self, *args, **options):
        report = {
            "running_jobs": Transcription.objects.filter(status=Status.RUNNING).count(),
            "live_sessions": live_session_count() or 0,
        }
        self.stdout.write(json.dumps(report))

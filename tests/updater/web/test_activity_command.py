"""`manage.py updater_activity` tells the updater what a restart would interrupt."""

import io
import json

import pytest
from django.core.management import call_command

from appliance.jobs.models import Status, Transcription

pytestmark = pytest.mark.django_db


def _report():
    out = io.StringIO()
    call_command("updater_activity", stdout=out)
    return json.loads(out.getvalue())


def test_an_idle_appliance_reports_zero_counts():
    assert _report() == {"running_jobs": 0, "live_sessions": 0}


def test_running_jobs_count_but_queued_ones_do_not(staff_user):
    for status in (Status.RUNNING, Status.QUEUED, Status.DONE):
        Transcription.objects.create(owner=staff_user, original_name="x.wav", model_name="tiny.en", status=status)

    assert _report()["running_jobs"] == 1

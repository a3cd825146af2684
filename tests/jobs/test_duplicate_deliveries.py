"""A message can arrive more than once; the row decides whether the job runs."""
import os

import pytest
from django.utils import timezone

from appliance.jobs import runner
from appliance.jobs.models import Transcription
from appliance.jobs.tasks import transcribe_job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued_job(upload, speech_wav):
    return Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"])


def test_a_finished_job_delivered_again_is_left_as_it_is(queued_job, celery_worker, wait_for):
    job = wait_for(queued_job)
    finished_at = job.finished_at

    transcribe_job.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.attempts, job.finished_at) == ("done", 1, finished_at)


def test_a_job_running_in_a_live_process_is_not_started_twice(queued_job):
    # pid 1 always runs: this stands for a worker process that is still transcribing.
    Transcription.objects.filter(pk=queued_job.pk).update(
        status="running", attempts=1, worker=f"{os.uname().nodename}:1", heartbeat_at=timezone.now()
    )

    assert runner.claim(queued_job.pk) is None

    queued_job.refresh_from_db()
    assert (queued_job.status, queued_job.attempts) == ("running", 1)


def test_a_job_that_killed_its_worker_twice_fails_with_an_explanation(queued_job):
    Transcription.objects.filter(pk=queued_job.pk).update(
        status="running", attempts=runner.MAX_ATTEMPTS, worker=f"{os.uname().nodename}:999999999"
    )

    assert runner.claim(queued_job.pk) is None

    queued_job.refresh_from_db()
    assert queued_job.status == "failed"
    assert "twice" in queued_job.error_message and "smaller model" in queued_job.error_message


def test_a_task_for_a_deleted_job_ends_quietly(queued_job):
    job_id = queued_job.pk
    queued_job.delete()

    transcribe_job.apply(args=[job_id])

    assert not Transcription.objects.filter(pk=job_id).exists()

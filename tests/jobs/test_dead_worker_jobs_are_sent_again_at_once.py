"""A running job whose worker died is queued again as soon as that is certain, by any live
worker's DeadWorkerWatch, once per dead attempt: on this host when the pid is gone, elsewhere
when the worker's presence has expired and the job stopped beating. Real Redis and database;
only the "other host" is a name in the row (one machine cannot have two host names)."""
import json
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from appliance.jobs.dead_workers import requeue_jobs_of_dead_workers
from appliance.jobs.models import Status, Transcription
from appliance.jobs.runner import attempt_is_alive
from appliance.plumbing.redis_client import get_redis
from appliance.runtime import presence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue_and_marks(redis_url):
    from appliance.celery import app

    yield
    app.control.purge()
    for key in get_redis().scan_iter(match="appliance:job-resent:*"):
        get_redis().delete(key)


def running_job(owner, worker, beat_seconds_ago=0):
    return Transcription.objects.create(
        owner=owner, original_name="a.wav", audio="transcriptions/a.wav", model_name="tiny.en",
        status=Status.RUNNING, attempts=1, worker=worker,
        heartbeat_at=timezone.now() - timedelta(seconds=beat_seconds_ago),
    )  # fmt: skip


def dead_local_pid():
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def present(identity):
    record = {"identity": identity, "role": "worker", "hostname": "other-host", "pid": 1, "loaded": [], "at": 0}
    get_redis().set(presence.KEY_PREFIX + identity, json.dumps(record), ex=presence.TTL_SECONDS)


def test_a_job_of_a_dead_process_on_this_host_is_sent_again_at_once_and_only_once(staff_user):
    host = presence.process_identity().rpartition(":")[0]
    job = running_job(staff_user, f"{host}:{dead_local_pid()}")

    assert requeue_jobs_of_dead_workers() == [job.pk]
    assert requeue_jobs_of_dead_workers() == []


def test_a_job_of_a_live_process_on_this_host_stays_where_it_is(staff_user):
    host = presence.process_identity().rpartition(":")[0]
    with subprocess.Popen(["sleep", "30"]) as alive:
        running_job(staff_user, f"{host}:{alive.pid}", beat_seconds_ago=600)
        try:
            assert requeue_jobs_of_dead_workers() == []
        finally:
            alive.kill()


def test_a_job_of_a_vanished_worker_elsewhere_is_sent_again_once_it_stopped_beating(staff_user):
    job = running_job(staff_user, "other-host:4242", beat_seconds_ago=40)

    assert not attempt_is_alive(job)
    assert requeue_jobs_of_dead_workers() == [job.pk]


def test_a_job_elsewhere_that_beat_moments_ago_gets_its_grace(staff_user):
    # Presence can be missing for a moment (Redis restarted without it): the job's own heartbeat decides.
    job = running_job(staff_user, "other-host:4242", beat_seconds_ago=5)

    assert attempt_is_alive(job)
    assert requeue_jobs_of_dead_workers() == []


def test_a_job_of_a_present_worker_elsewhere_is_left_alone_however_long_its_batch_takes(staff_user):
    present("other-host:4343")
    job = running_job(staff_user, "other-host:4343", beat_seconds_ago=600)

    assert attempt_is_alive(job)
    assert requeue_jobs_of_dead_workers() == []

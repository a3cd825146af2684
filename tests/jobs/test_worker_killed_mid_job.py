"""A worker that dies mid-job loses nothing: the job runs again on another worker, exactly once,
and never stays "running". Real `celery worker` processes, killed with SIGKILL."""
import os
import signal

import pytest

from appliance.jobs.models import Transcription

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def running_with_progress(job):
    def check():
        job.refresh_from_db()
        assert job.status != "done", "the job finished before the worker could be killed"
        return job.status == "running" and job.progress > 0

    return check


def times_done(worker, job):
    return worker.output().count(f"job {job.pk} done")


def test_a_job_whose_whole_worker_was_killed_completes_once_on_the_next_worker_without_a_sweep(worker_process, upload, long_speech, wait_for, until):
    first = worker_process("first")
    job = Transcription.objects.get(public_id=upload(long_speech, batch_size="1").json()["jobs"][0]["id"])
    until(running_with_progress(job), what="progress on the first worker")

    first.kill()  # the whole worker (and any pool child) at once, as when a container dies

    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
    # Redis would hand the unacknowledged message back only after the visibility timeout
    # (hours), the orphan sweep after minutes: the next worker's DeadWorkerWatch sees the dead
    # pid as it starts and sends the job again (appliance.jobs.dead_workers).
    second = worker_process("second")
    wait_for(job)

    assert job.status == "done", job.error_message
    assert job.attempts == 2
    assert int(job.worker.split(":")[-1]) in second.task_pids()
    assert "team" in " ".join(segment["text"] for segment in job.segments).lower()
    until(lambda: times_done(second, job), what="the second worker's log line")  # written just after the row
    assert times_done(second, job) == 1 and times_done(first, job) == 0


def test_a_job_whose_pool_process_was_killed_is_given_back_by_celery_and_run_again(worker_process, upload, long_speech, wait_for, until):
    # Only the prefork pool (the faster-whisper pipeline's worker) has a pool process apart from the worker.
    worker = worker_process("survivor", pipeline="faster-whisper")
    job = Transcription.objects.get(public_id=upload(long_speech, batch_size="1").json()["jobs"][0]["id"])
    until(running_with_progress(job), what="progress in the pool process")
    killed_pid = int(job.worker.split(":")[-1])

    os.kill(killed_pid, signal.SIGKILL)  # the parent survives: reject_on_worker_lost requeues

    wait_for(job)
    assert job.status == "done", job.error_message
    assert job.attempts == 2
    assert int(job.worker.split(":")[-1]) != killed_pid
    until(lambda: times_done(worker, job), what="the log line")  # written just after the row
    assert times_done(worker, job) == 1

"""The default worker (APPLIANCE_ENGINE_PIPELINE=dynamic) runs the jobs it holds at once in one
process, their chunks pooled into shared batches: a short upload queued behind a long one is not
made to wait for it. A real `celery worker` subprocess with the threads pool and the tiny.en pack."""
import socket

import pytest

from appliance.jobs import runner
from appliance.jobs.models import Transcription

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _queued(upload, audio, **options):
    return Transcription.objects.get(public_id=upload(audio, **options).json()["jobs"][0]["id"])


def test_a_short_upload_behind_a_long_one_finishes_first_in_the_same_worker_process(
    worker_process, upload, long_speech, make_audio, wait_for, until
):
    worker = worker_process("pooling")
    long_job = _queued(upload, long_speech, batch_size="1")
    short_jobs = [_queued(upload, make_audio(fmt)) for fmt in ("mp3", "flac")]

    for job in [long_job, *short_jobs]:
        wait_for(job)
        assert job.status == "done", job.error_message
        assert job.worker == f"{socket.gethostname()}:{worker.pid}"  # the worker itself: no pool children
        assert "team" in " ".join(segment["text"] for segment in job.segments).lower()
    # All three ran at once, and the long file did not hold the short ones back.
    assert max(job.started_at for job in short_jobs) < long_job.finished_at
    assert max(job.finished_at for job in short_jobs) < long_job.finished_at
    def done_lines():
        return [worker.output().count(f"job {job.pk} done") for job in [long_job, *short_jobs]]

    until(lambda: all(done_lines()), what="the log lines")  # written just after the rows
    assert done_lines() == [1, 1, 1]


def test_the_threads_worker_caps_malloc_arenas_at_one_per_core(worker_process):
    from appliance.engine.files.pipelined_decoding import available_cores

    worker = worker_process("arenas")
    worker.wait_for_output("ready")

    environment = dict(entry.split("=", 1) for entry in
                       open(f"/proc/{worker.pid}/environ", "rb").read().decode().split("\0") if "=" in entry)
    assert environment["MALLOC_ARENA_MAX"] == str(available_cores())


def test_a_second_delivery_inside_the_same_worker_process_is_a_duplicate_while_the_first_runs(upload, speech_wav):
    job = _queued(upload, speech_wav)

    claimed = runner.claim(job.pk)
    assert claimed is not None
    # Another thread of this process receives the same message (a redelivery): it must not run it.
    assert runner.claim(job.pk) is None

    runner.run(claimed)
    claimed.refresh_from_db()
    assert (claimed.status, claimed.attempts) == ("done", 1)

"""While a job runs, the segments it has produced so far are pushed with their index and kept
(in Redis) for a page opened mid-run or polling without a WebSocket; a new attempt starts over."""
import pytest

from appliance.engine.files.results import Segment
from appliance.jobs.models import Transcription
from appliance.jobs.monitor import JobMonitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def running_job(staff_user):
    return Transcription.objects.create(owner=staff_user, original_name="talk.wav", model_name="tiny.en",
                                        status="running", duration_seconds=30.0)


def detail(client, job):
    return client.get(f"/api/jobs/{job.public_id}/", HTTP_ACCEPT="application/json").json()


def test_the_api_returns_the_segments_so_far_with_their_index(staff_client, running_job):
    with JobMonitor(running_job) as monitor:
        monitor.progress(0.3, [Segment(0, 0.0, 2.0, " Hello team."), Segment(1, 2.0, 4.0, " Good morning.")])
        monitor.progress(1.0, [Segment(2, 4.0, 6.0, " See you.")])

        segments = detail(staff_client, running_job)["partial_segments"]

    assert [(segment["index"], segment["text"]) for segment in segments] == [
        (0, " Hello team."), (1, " Good morning."), (2, " See you."),
    ]


def test_a_new_attempt_starts_from_the_first_segment_and_an_ended_one_leaves_nothing(staff_client, running_job):
    first = JobMonitor(running_job).__enter__()
    first.progress(1.0, [Segment(0, 0.0, 2.0, " First attempt (its worker died).")])
    with JobMonitor(running_job) as monitor:
        monitor.progress(1.0, [Segment(0, 0.0, 2.0, " Second attempt.")])
        texts = [segment["text"] for segment in detail(staff_client, running_job)["partial_segments"]]
    first._stopped.set()

    assert texts == [" Second attempt."]
    assert detail(staff_client, running_job)["partial_segments"] == []


def test_a_finished_job_answers_with_its_result_not_the_preview(staff_client, running_job):
    with JobMonitor(running_job) as monitor:
        monitor.progress(1.0, [Segment(0, 0.0, 2.0, " Preview.")])
    Transcription.objects.filter(pk=running_job.pk).update(status="done", result={"segments": []})

    assert detail(staff_client, running_job)["partial_segments"] == []

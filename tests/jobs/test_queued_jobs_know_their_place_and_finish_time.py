"""A queued job's page and API say how many jobs are ahead and roughly when it will be done,
from the audio ahead of it and the speed of the last finished jobs."""
import pytest

from appliance.jobs.models import Transcription
from appliance.jobs.queue_estimate import FALLBACK_REAL_TIME_FACTOR, estimate

pytestmark = pytest.mark.django_db


def job(owner, status="queued", seconds=60.0, **fields):
    return Transcription.objects.create(owner=owner, original_name=f"{status}.wav", model_name="tiny.en",
                                        status=status, duration_seconds=seconds, **fields)


def test_the_position_counts_the_queued_jobs_before_it(staff_user, other_staff_user):
    first, second = job(other_staff_user), job(staff_user)

    assert estimate(first).position == 1
    assert estimate(second).position == 2 and estimate(second).jobs_ahead == 1


def test_the_estimate_uses_the_recent_speed_and_the_work_ahead(staff_user):
    job(staff_user, status="done", real_time_factor=0.2)
    job(staff_user, status="running", seconds=100.0, progress=0.5)
    job(staff_user, seconds=30.0)
    mine = job(staff_user, seconds=20.0)

    waiting = estimate(mine)

    assert waiting.position == 2 and waiting.jobs_ahead == 2
    # (50 s left of the running job + 30 s queued ahead + its own 20 s) at 0.2 s per second of audio
    assert waiting.eta_seconds == pytest.approx(20.0)


def test_without_any_finished_job_a_modest_speed_is_assumed(staff_user):
    assert estimate(job(staff_user, seconds=100.0)).eta_seconds == pytest.approx(100.0 * FALLBACK_REAL_TIME_FACTOR)


def test_only_queued_jobs_have_a_place(staff_user):
    assert estimate(job(staff_user, status="running")) is None


def test_the_job_api_and_page_tell_it(staff_client, staff_user, other_staff_user):
    job(other_staff_user)
    mine = job(staff_user)

    detail = staff_client.get(f"/api/jobs/{mine.public_id}/", HTTP_ACCEPT="application/json").json()
    assert detail["queue"]["position"] == 2 and detail["queue"]["jobs_ahead"] == 1
    assert detail["queue"]["eta_seconds"] > 0
    html = staff_client.get(f"/jobs/{mine.public_id}/").content.decode()
    assert "Number 2 in the queue (1 job ahead)" in html and "(an estimate)" in html

"""The job API driven by a program with an API token over HTTP, from upload to delete."""
import time

import httpx2
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def job_api(appliance_server, staff_token):
    return httpx2.Client(
        base_url=f"{appliance_server}/api/jobs/", headers={"Authorization": f"Bearer {staff_token}"}, timeout=60
    )


def wait_until_finished(job_api, job_id, timeout_seconds=120):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        job = job_api.get(f"{job_id}/").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_program_uploads_follows_downloads_and_deletes_a_job(job_api, speech_wav, speech_keywords, celery_worker):
    with open(speech_wav, "rb") as audio:
        created = job_api.post("", files={"files": audio}, data={"model": "tiny.en"})
    assert created.status_code == 201, created.text
    job_id = created.json()["jobs"][0]["id"]

    job = wait_until_finished(job_api, job_id)
    assert job["status"] == "done" and job["progress"] == 1.0
    assert [listed["id"] for listed in job_api.get("").json()["jobs"]] == [job_id]
    for fmt in ("txt", "srt", "vtt", "tsv", "json"):
        download = job_api.get(f"{job_id}/download/{fmt}")
        assert download.status_code == 200, fmt
        assert "meeting" in download.text.lower(), fmt
    assert job_api.delete(f"{job_id}/").status_code == 204
    assert job_api.get(f"{job_id}/").status_code == 404


def test_a_program_cancels_a_queued_job(job_api, speech_wav, no_worker):
    with open(speech_wav, "rb") as audio:
        job_id = job_api.post("", files={"files": audio}).json()["jobs"][0]["id"]

    cancelled = job_api.post(f"{job_id}/cancel/")

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert job_api.get(f"{job_id}/download/txt").status_code == 409

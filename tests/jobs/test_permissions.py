"""Staff see only their own jobs; admins see all; anonymous visitors get nothing."""
import pytest
from django.test import Client

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_job(upload, speech_wav):
    return Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"])


def job_urls(job):
    return [
        f"/jobs/{job.public_id}/",
        f"/api/jobs/{job.public_id}/",
        f"/api/jobs/{job.public_id}/audio",
        f"/api/jobs/{job.public_id}/download/txt",
    ]


def test_another_staff_member_cannot_see_touch_or_list_the_job(staff_job, other_staff_user):
    stranger = Client()
    stranger.force_login(other_staff_user)

    for url in job_urls(staff_job):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/jobs/{staff_job.public_id}/delete").status_code == 404
    assert stranger.post(f"/api/jobs/{staff_job.public_id}/cancel/").status_code == 404
    assert stranger.delete(f"/api/jobs/{staff_job.public_id}/").status_code == 404
    assert stranger.get("/api/jobs/").json()["jobs"] == []
    assert staff_job.original_name not in stranger.get("/jobs/").content.decode()
    assert Transcription.objects.filter(pk=staff_job.pk).exists()


def test_an_admin_sees_and_lists_every_job(staff_job, admin_client):
    assert admin_client.get(f"/jobs/{staff_job.public_id}/").status_code == 200
    assert [job["id"] for job in admin_client.get("/api/jobs/").json()["jobs"]] == [str(staff_job.public_id)]
    assert "staff-sam" in admin_client.get("/jobs/").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page_and_programs_get_401(staff_job, client):
    for url in ["/", "/jobs/", f"/jobs/{staff_job.public_id}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    for url in job_urls(staff_job)[1:] + ["/api/jobs/"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"].startswith("Log in first")
    assert client.post("/api/jobs/", {}).status_code == 401

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_made_through_the_openai_api_is_in_its_owners_list(
    api_client, staff_token, staff_client, speech_wav, celery_worker
):
    with open(speech_wav, "rb") as audio:
        raw = api_client(staff_token).audio.transcriptions.with_raw_response.create(file=audio, model="whisper-1")
    job_id = raw.headers["X-Job-Id"]

    listed = staff_client.get("/api/jobs/", HTTP_ACCEPT="application/json").json()["jobs"]
    assert [(job["id"], job["status"], job["options"]["model"]) for job in listed] == [(job_id, "done", "tiny.en")]
    assert job_id in staff_client.get(reverse("webui:jobs")).content.decode()
    detail = staff_client.get(f"/api/jobs/{job_id}/").json()
    assert detail["result"]["text"] == raw.parse().text


def test_another_staff_member_does_not_see_it(api_client, staff_token, other_staff_user, speech_wav, celery_worker):
    from django.test import Client

    with open(speech_wav, "rb") as audio:
        api_client(staff_token).audio.transcriptions.create(file=audio, model="whisper-1")
    other = Client()
    other.force_login(other_staff_user)

    assert other.get("/api/jobs/", HTTP_ACCEPT="application/json").json()["jobs"] == []

import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db


def make_job(owner, status="done", name="meeting.wav", **fields):
    result = {
        "segments": [
            {"id": 0, "start": 0.0, "end": 2.5, "text": " Hello team."},
            {"id": 1, "start": 2.5, "end": 5.0, "text": " See you on Friday."},
        ],
        "language": "en",
        "duration": 5.0,
    }
    return Transcription.objects.create(
        owner=owner, original_name=name, model_name="tiny.en", status=status, duration_seconds=5.0,
        result=result if status == "done" else None, detected_language="en" if status == "done" else "",
        processing_seconds=0.5 if status == "done" else None, real_time_factor=0.1 if status == "done" else None,
        **fields,
    )  # fmt: skip


def test_the_upload_page_offers_the_installed_models_languages_and_limits(staff_client):
    html = staff_client.get("/").content.decode()

    assert 'id="dropzone"' in html and 'type="file" name="files" multiple' in html
    assert '<option value="tiny.en"' in html and "selected" in html
    assert '<option value="de">German</option>' in html
    assert 'data-max-mb="2048"' in html
    assert "webui/js/upload.js" in html


def test_the_job_list_shows_status_duration_processing_time_and_real_time_factor(staff_client, staff_user):
    make_job(staff_user)

    html = staff_client.get("/jobs/").content.decode()

    assert "meeting.wav" in html and "status-done" in html
    assert "5.0 s" in html and "0.5 s" in html and "0.100" in html


def test_the_job_list_filters_by_status(staff_client, staff_user):
    make_job(staff_user, name="finished.wav")
    make_job(staff_user, status="failed", name="broken.wav", error_message="The audio is damaged.")

    html = staff_client.get("/jobs/?status=failed").content.decode()

    assert "broken.wav" in html and "finished.wav" not in html
    assert staff_client.get("/jobs/?status=nonsense").status_code == 200


def test_the_transcript_page_has_the_segments_the_player_the_downloads_and_the_actions(staff_client, staff_user):
    job = make_job(staff_user, audio="transcriptions/meeting.wav")

    html = staff_client.get(f"/jobs/{job.public_id}/").content.decode()

    assert 'data-start="2.5"' in html and "See you on Friday." in html
    assert f'<audio id="player" controls preload="metadata" src="/api/jobs/{job.public_id}/audio">' in html
    for fmt in ("txt", "srt", "vtt", "tsv", "json"):
        assert f"/api/jobs/{job.public_id}/download/{fmt}" in html
    assert f'action="/jobs/{job.public_id}/delete"' in html
    assert f'action="/jobs/{job.public_id}/rerun"' in html
    assert "English" in html


def test_a_failed_job_shows_its_error_and_no_downloads(staff_client, staff_user):
    job = make_job(staff_user, status="failed", error_message="The file is incomplete.")

    html = staff_client.get(f"/jobs/{job.public_id}/").content.decode()

    assert "The file is incomplete." in html and "/download/" not in html


def test_unknown_pages_get_the_error_page_in_words(staff_client):
    response = staff_client.get("/jobs/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "404 · Not found" in html and "does not exist, or it was deleted" in html
    assert 'class="nav"' in html


def test_a_staff_member_opening_an_admin_only_page_gets_the_403_page(rf, staff_user):
    from django.core.exceptions import PermissionDenied

    from appliance.accounts.permissions import admin_required
    from webui.views.errors import forbidden

    @admin_required
    def panel(request):
        return None

    request = rf.get("/panel/")
    request.user = staff_user
    with pytest.raises(PermissionDenied) as refused:
        panel(request)
    response = forbidden(request, refused.value)
    assert response.status_code == 403 and b"This page is for administrators." in response.content


def test_an_expired_form_gets_a_clear_403_page(staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post("/api/jobs/", {})

    assert response.status_code == 403
    assert "The form expired" in response.json()["error"]


def test_the_server_error_page_needs_no_database_or_session(rf):
    from webui.views.errors import server_error

    response = server_error(rf.get("/jobs/"))

    assert response.status_code == 500 and b"Something went wrong" in response.content

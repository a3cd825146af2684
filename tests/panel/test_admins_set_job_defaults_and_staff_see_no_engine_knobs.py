"""Engine knobs (batch size, skip silence) are not on the staff's upload form; an admin sets them,
with the default model and language, on the panel's Job defaults page, and new jobs get them."""
import pytest
from django.urls import reverse

from appliance.jobs.models import JobDefaults
from appliance.jobs.request_options import parse_job_options
from appliance.panel.models import AuditLogEntry

pytestmark = pytest.mark.django_db


def defaults_form(**changes):
    return {"model": "tiny.en", "language": "", "batch_size": "4", "vad": "on", **changes}


def test_staff_get_no_batch_size_or_vad_on_the_upload_form(staff_client):
    html = staff_client.get("/").content.decode()

    assert 'name="batch_size"' not in html and 'name="vad"' not in html
    assert 'name="word_timestamps"' in html and 'name="model"' in html


def test_admins_find_the_engine_options_folded_away_on_the_upload_form(admin_client):
    html = admin_client.get("/").content.decode()

    assert "Engine options" in html and 'name="batch_size"' in html


def test_saved_job_defaults_are_what_a_request_without_options_gets(admin_client):
    response = admin_client.post(reverse("panel:job-defaults"), defaults_form(word_timestamps="on"))

    assert response.status_code == 302
    options = parse_job_options({})
    assert (options.model_name, options.batch_size, options.vad, options.word_timestamps) == ("tiny.en", 4, True, True)
    assert AuditLogEntry.objects.get(action="jobs.defaults").after["batch_size"] == 4
    page = admin_client.get(reverse("panel:job-defaults")).content.decode()
    assert 'name="batch_size" value="4"' in page and "Job defaults" in page


def test_the_upload_form_starts_from_the_job_defaults(admin_client, staff_client):
    admin_client.post(reverse("panel:job-defaults"), defaults_form(word_timestamps="on"))

    html = staff_client.get("/").content.decode()

    assert 'name="word_timestamps" value="true" checked' in html


def test_defaults_that_cannot_work_are_refused_with_the_reason(admin_client):
    response = admin_client.post(reverse("panel:job-defaults"), defaults_form(language="de"))

    assert response.status_code == 400
    assert "tiny.en only knows English" in response.content.decode()
    assert not JobDefaults.objects.exists()


def test_before_an_admin_saves_the_environment_decides(settings):
    options = parse_job_options({})
    assert (options.model_name, options.batch_size, options.vad) == (settings.DEFAULT_MODEL, 8, True)


def test_staff_cannot_open_the_job_defaults(staff_client):
    assert staff_client.get(reverse("panel:job-defaults")).status_code == 403

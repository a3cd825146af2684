import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmarks.web import services
from benchmarks.web.models import BenchmarkRun

pytestmark = pytest.mark.django_db


def test_a_run_without_suites_is_refused(admin_client):
    response = admin_client.post(reverse("benchmarks:index"), {"quick": "on"})

    assert response.status_code == 400
    assert "Pick at least one suite." in response.content.decode()
    assert not BenchmarkRun.objects.exists()


def test_an_unknown_suite_is_refused(admin_client):
    response = admin_client.post(reverse("benchmarks:index"), {"suites": ["no-such-suite"]})

    assert response.status_code == 400 and not BenchmarkRun.objects.exists()


def test_a_recording_that_is_not_audio_is_refused_and_not_kept(admin_client):
    text = SimpleUploadedFile("notes.wav", b"this is not a recording at all", content_type="audio/wav")

    response = admin_client.post(reverse("benchmarks:index"), {"suites": ["baseline"], "audio": text})

    assert response.status_code == 400
    assert "notes.wav:" in response.content.decode()
    assert not BenchmarkRun.objects.exists()
    assert not list(services.uploaded_audio_dir().glob("*/notes.wav"))

"""An offline appliance is updated from a bundle file uploaded on the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def test_an_uploaded_bundle_is_installed(managed, follow, tmp_path):
    managed.write_config(remote="")
    managed.upstream.release("v1.2.0", "Release v1.2.0")
    bundle = managed.upstream.bundle(tmp_path / "offline.bundle")

    upload = SimpleUploadedFile("offline.bundle", bundle.read_bytes())
    done = follow("/panel/updates/bundle", "apply", {"bundle": upload, "action": "apply"})

    assert done["run"]["status"] == "succeeded", done["log"]
    assert managed.get("/version") == "v1.2.0"


def test_a_file_that_is_not_a_bundle_is_refused_at_once(managed, admin_client):
    upload = SimpleUploadedFile("notes.txt", b"meeting notes, not a bundle")

    response = admin_client.post("/panel/updates/bundle", {"bundle": upload, "action": "apply"}, follow=True)

    assert "notes.txt is not a git bundle" in response.content.decode()
    assert managed.updater.status()["run"]["action"] == "apply"  # still the install of the fixture
    assert managed.get("/version") == "v1.0.0"

"""On an appliance the panel asks a root systemd path unit for the nginx reload (it writes a token
into APPLIANCE_TLS_RELOAD_REQUEST_FILE) and says "reloaded" only when the unit answers that
token with "ok"; a failed `nginx -t` or no answer puts the previous files back.

systemd and nginx cannot run here: a thread stands in for the path unit and its script
(provisioning/roles/tls/templates/whisper-appliance-nginx-reload.j2), answering in the same format."""
import threading
import time

import pytest
from django.urls import reverse

from appliance.panel import certificates, tls
from appliance.panel.models import AuditLogEntry


@pytest.fixture
def reload_unit(tls_dir, settings):
    """reload_unit(outcome, words) starts the stand-in; None never answers (a unit not enabled)."""
    request_file = tls_dir / "reload-request"
    settings.TLS_RELOAD_REQUEST_FILE = str(request_file)
    stop = threading.Event()
    threads = []

    def start(outcome, words=""):
        def answer():
            seen = None
            while not stop.wait(0.05):
                token = request_file.read_text().strip() if request_file.exists() else None
                if token and token != seen:
                    seen = token
                    certificates.reload_status_file(request_file).write_text(f"{token} {outcome}\n{words}\n")

        if outcome is not None:
            thread = threading.Thread(target=answer, daemon=True)
            thread.start()
            threads.append(thread)

    yield start
    stop.set()
    for thread in threads:
        thread.join(5)


def _generate(admin_client, name):
    return admin_client.post(reverse("panel:tls-generate"), {
        "common_name": name, "subject_alternative_names": name, "key_type": "ecdsa-p256"}, follow=True)


@pytest.mark.django_db
def test_reloaded_is_said_only_after_the_unit_answered_ok(admin_client, tls_dir, reload_unit):
    reload_unit("ok")

    response = _generate(admin_client, "new.lan")

    assert "The web server checked its configuration, was reloaded" in response.content.decode()
    assert "CN=new.lan" in tls.read_installed_certificate(tls_dir).subject


@pytest.mark.django_db
def test_a_failed_nginx_check_is_an_error_and_the_old_certificate_stays(admin_client, tls_dir, reload_unit):
    tls.write_bundle(tls_dir, tls.generate_self_signed("kept.lan", "kept.lan"))
    kept = {name: (tls_dir / name).read_bytes() for name in (tls.CERTIFICATE_FILE_NAME, tls.KEY_FILE_NAME)}
    reload_unit("failed", "nginx: [emerg] cannot load certificate key")

    response = admin_client.post(reverse("panel:tls-generate"), {
        "common_name": "bad.lan", "subject_alternative_names": "bad.lan", "key_type": "ecdsa-p256"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "nginx refused the new files, so the old certificate stays" in page
    assert "cannot load certificate key" in page
    assert {name: (tls_dir / name).read_bytes() for name in kept} == kept
    assert AuditLogEntry.objects.get().action == "tls.generate.failed"


@pytest.mark.django_db
def test_no_answer_is_an_error_too(admin_client, tls_dir, reload_unit, monkeypatch):
    monkeypatch.setattr(certificates, "RELOAD_ANSWER_SECONDS", 1)
    reload_unit(None)

    started = time.monotonic()
    response = _generate(admin_client, "silent.lan")

    assert response.status_code == 400
    assert "no answer came within 1 s" in response.content.decode()
    assert time.monotonic() - started < 10
    assert not (tls_dir / tls.CERTIFICATE_FILE_NAME).exists()


def test_an_answer_to_an_earlier_request_is_not_taken_for_this_one(tmp_path):
    request_file = tmp_path / "reload-request"
    certificates.reload_status_file(request_file).write_text("0123456789abcdef ok\n\n")

    with pytest.raises(certificates.ReloadError, match="no answer came"):
        certificates.request_reload(request_file, answer_seconds=0.5)

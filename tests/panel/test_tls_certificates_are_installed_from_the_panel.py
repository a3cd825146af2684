"""The TLS page installs a generated or uploaded certificate, refuses bad ones precisely, and
reloads the web server only through the configured command."""
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appliance.panel import tls
from appliance.panel.models import AuditLogEntry


@pytest.mark.django_db
def test_generating_writes_the_pair_and_says_no_web_server_is_reloaded_locally(admin_client, tls_dir):
    response = admin_client.post(reverse("panel:tls-generate"), {
        "common_name": "whisper.lan", "subject_alternative_names": "whisper.lan 192.0.2.7", "key_type": "ecdsa-p256"},
        follow=True)

    page = response.content.decode()
    assert "Certificate installed: O=Whisper Appliance,CN=whisper.lan" in page
    assert "No web server is reloaded here" in page
    assert "DNS:whisper.lan, IP:192.0.2.7" in page
    assert stat.S_IMODE((tls_dir / tls.KEY_FILE_NAME).stat().st_mode) == 0o600
    entry = AuditLogEntry.objects.get(action="tls.generate")
    assert entry.actor_name == "admin-alice" and entry.before is None
    assert entry.after["subject"] == "O=Whisper Appliance,CN=whisper.lan"


@pytest.mark.django_db
def test_an_uploaded_chain_with_an_encrypted_key_is_installed_with_its_passphrase(admin_client, tls_dir, pki,
                                                                                 good_leaf):
    response = admin_client.post(reverse("panel:tls-upload"), {
        "chain_file": SimpleUploadedFile("fullchain.pem", good_leaf.pem + pki.intermediate.pem),
        "key_text": good_leaf.key_pem("s3cret words").decode(), "passphrase": "s3cret words"}, follow=True)

    assert "Certificate installed: CN=appliance.example.org" in response.content.decode()
    assert (tls_dir / tls.CERTIFICATE_FILE_NAME).read_bytes() == good_leaf.pem + pki.intermediate.pem
    assert b"ENCRYPTED" not in (tls_dir / tls.KEY_FILE_NAME).read_bytes()


@pytest.mark.django_db
def test_a_wrong_key_is_refused_with_a_precise_message_and_the_installed_pair_is_kept(admin_client, tls_dir, pki,
                                                                                     good_leaf):
    tls.write_bundle(tls_dir, tls.generate_self_signed("kept.lan", "kept.lan"))
    before = (tls_dir / tls.CERTIFICATE_FILE_NAME).read_bytes()

    response = admin_client.post(reverse("panel:tls-upload"), {
        "chain_text": (good_leaf.pem + pki.intermediate.pem).decode(),
        "key_text": pki.leaf("x.org").key_pem().decode()})

    assert response.status_code == 400
    assert "The private key does not belong to the certificate" in response.content.decode()
    assert (tls_dir / tls.CERTIFICATE_FILE_NAME).read_bytes() == before
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_an_upload_without_a_key_asks_for_one(admin_client, tls_dir, good_leaf):
    response = admin_client.post(reverse("panel:tls-upload"), {"chain_text": good_leaf.pem.decode()})

    assert response.status_code == 400
    assert "Give the private key as a file or paste it." in response.content.decode()


@pytest.mark.django_db
def test_the_configured_reload_command_runs_after_the_files_are_written(admin_client, tls_dir, settings,
                                                                        reload_script):
    settings.TLS_RELOAD_COMMAND = reload_script(0)

    response = admin_client.post(reverse("panel:tls-generate"), {
        "common_name": "a.lan", "subject_alternative_names": "a.lan", "key_type": "rsa-3072"}, follow=True)

    assert "was reloaded and serves the new files" in response.content.decode()
    assert reload_script.calls() == 1
    assert "RSA 3072" in admin_client.get(reverse("panel:tls")).content.decode()


@pytest.mark.django_db
def test_a_failing_reload_puts_the_previous_certificate_back(admin_client, tls_dir, settings, reload_script):
    tls.write_bundle(tls_dir, tls.generate_self_signed("kept.lan", "kept.lan"))
    kept = {name: (tls_dir / name).read_bytes() for name in (tls.CERTIFICATE_FILE_NAME, tls.KEY_FILE_NAME)}
    settings.TLS_RELOAD_COMMAND = reload_script(1)

    response = admin_client.post(reverse("panel:tls-generate"), {
        "common_name": "new.lan", "subject_alternative_names": "new.lan", "key_type": "ecdsa-p256"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "The reload command failed (exit 1): nginx: configuration file test failed." in page
    assert "The previous files were put back." in page
    assert {name: (tls_dir / name).read_bytes() for name in kept} == kept
    assert AuditLogEntry.objects.get().action == "tls.generate.failed"


@pytest.mark.django_db
def test_redirect_and_hsts_toggles_are_saved_and_written_for_nginx(admin_client, tls_dir):
    response = admin_client.post(reverse("panel:tls-options"), {"https_redirect": "on", "hsts": "on"}, follow=True)

    assert "HTTPS options saved" in response.content.decode()
    assert "return 301 https://$host$request_uri;" in (tls_dir / "http-redirect.conf").read_text()
    assert "Strict-Transport-Security" in (tls_dir / "hsts.conf").read_text()
    entry = AuditLogEntry.objects.get(action="tls.options")
    assert (entry.before["hsts"], entry.after["hsts"]) == (False, True)

    admin_client.post(reverse("panel:tls-options"), {"https_redirect": "on"})
    assert "Strict-Transport-Security" not in (tls_dir / "hsts.conf").read_text()


@pytest.mark.django_db
def test_toggles_are_not_saved_when_the_reload_fails(admin_client, tls_dir, settings, reload_script):
    from appliance.panel.models import ApplianceSettings

    settings.TLS_RELOAD_COMMAND = reload_script(1)

    response = admin_client.post(reverse("panel:tls-options"), {"hsts": "on"})

    assert response.status_code == 400
    assert not ApplianceSettings.current().hsts
    assert not (tls_dir / "hsts.conf").exists()

"""The settings form writes the panel's settings into updater.json and keeps everything else."""

import json

import pytest

pytestmark = pytest.mark.django_db

FORM = {"remote": "https://git.example.test/whisper-appliance.git", "channel": "beta", "branch": "",
        "allowed_signers": "", "schedule": "weekly", "maintenance_window": "02:00-04:00"}


def test_it_saves_the_settings_and_keeps_the_deployment_ones(managed, admin_client):
    response = admin_client.post("/panel/updates/settings", {**FORM, "auto_apply": "on"})

    saved = json.loads(managed.config_path.read_text())
    assert response.status_code == 302
    assert (saved["channel"], saved["schedule"], saved["auto_apply"]) == ("beta", "weekly", True)
    assert saved["maintenance_window"] == "02:00-04:00"
    assert saved["restart_commands"] == managed.settings["restart_commands"]


def test_it_shows_what_is_wrong_and_writes_nothing(managed, admin_client):
    before = managed.config_path.read_text()

    response = admin_client.post("/panel/updates/settings",
                                 {**FORM, "require_signatures": "on", "allowed_signers": "not-a-fingerprint"})

    assert response.status_code == 400
    assert "is not a full 40-hex-digit GPG key fingerprint" in response.content.decode()
    assert managed.config_path.read_text() == before


def test_a_change_is_audited_with_before_and_after(managed, admin_client):
    from appliance.panel.models import AuditLogEntry

    admin_client.post("/panel/updates/settings", FORM)

    entry = AuditLogEntry.objects.get(action="updater.settings")
    assert entry.before["channel"] == "stable" and entry.after["channel"] == "beta"

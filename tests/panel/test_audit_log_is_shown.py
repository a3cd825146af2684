"""Every change made in the panel appears in the audit log with who, what, before and after."""
import pytest
from django.urls import reverse

from appliance.panel.models import AuditLogEntry


@pytest.mark.django_db
def test_a_settings_change_is_logged_with_its_before_and_after(admin_client, engine_settings_form):
    admin_client.post(reverse("panel:models"), engine_settings_form(preload=(), idle_ttl_minutes=5))

    entry = AuditLogEntry.objects.get(action="models.settings")
    assert entry.actor_name == "admin-alice" and entry.remote_address == "127.0.0.1"
    assert (entry.before["preload"], entry.after["preload"]) == (["tiny.en"], [])
    assert (entry.before["idle_ttl_seconds"], entry.after["idle_ttl_seconds"]) == (900, 300)
    assert entry.changed_keys() == ["idle_ttl_seconds", "preload", "revision"]


@pytest.mark.django_db
def test_the_audit_page_lists_entries_newest_first_and_filters_by_area(admin_client, engine_settings_form):
    admin_client.post(reverse("panel:models"), engine_settings_form(preload=()))
    admin_client.post(reverse("panel:users"), {"username": "olaf", "role": "staff", "password": ""})

    page = admin_client.get(reverse("panel:audit")).content.decode()
    assert page.index("user.create") < page.index("models.settings")
    filtered = admin_client.get(reverse("panel:audit"), {"action": "user"}).content.decode()
    assert "user.create" in filtered and "models.settings" not in filtered

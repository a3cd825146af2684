"""Admins see everyone's API tokens in the panel and revoke any of them, audited."""
import pytest
from django.urls import reverse

from appliance.panel.models import AuditLogEntry
from appliance.tokens import services as token_services


@pytest.mark.django_db
def test_an_admin_sees_and_revokes_a_staff_members_token(admin_client, staff_user):
    token, plain = token_services.create_token(staff_user, "meeting script")

    page = admin_client.get(reverse("panel:tokens")).content.decode()
    assert "meeting script" in page and token.display_prefix in page and "staff-sam" in page

    admin_client.post(reverse("panel:token-revoke", args=[token.pk]))

    with pytest.raises(token_services.TokenRefused, match="revoked"):
        token_services.authenticate(plain)
    entry = AuditLogEntry.objects.get(action="token.revoke")
    assert entry.target == "staff-sam" and (entry.before["revoked"], entry.after["revoked"]) == (False, True)


@pytest.mark.django_db
def test_revoking_twice_writes_one_audit_entry(admin_client, staff_user):
    token, _ = token_services.create_token(staff_user, "twice")

    admin_client.post(reverse("panel:token-revoke", args=[token.pk]))
    admin_client.post(reverse("panel:token-revoke", args=[token.pk]))

    assert AuditLogEntry.objects.filter(action="token.revoke").count() == 1

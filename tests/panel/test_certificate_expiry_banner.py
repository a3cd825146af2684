"""Admins see a warning on every page once the certificate expires in under 14 days."""
import pytest
from django.test import RequestFactory
from django.urls import reverse

from appliance.panel import tls
from appliance.panel.context_processors import tls_expiry_warning


@pytest.fixture
def expiring_certificate(tls_dir, pki):
    leaf = pki.leaf("soon.example.org", not_after=pki.days(5))
    tls.write_bundle(tls_dir, tls.validate_bundle(leaf.pem + pki.intermediate.pem, leaf.key_pem()))


@pytest.mark.django_db
def test_every_panel_page_warns_an_admin_about_a_certificate_expiring_soon(admin_client, expiring_certificate):
    for name in ("index", "models", "tls", "users", "system", "audit", "devices"):
        page = admin_client.get(reverse(f"panel:{name}")).content.decode()
        assert "The TLS certificate (CN=soon.example.org) expires in 4 days" in page, name


@pytest.mark.django_db
def test_the_context_processor_gives_the_warning_to_admins_only(admin_user, staff_user, expiring_certificate):
    request = RequestFactory().get("/")

    request.user = admin_user
    assert "expires in 4 days" in tls_expiry_warning(request)["tls_expiry_warning"]
    request.user = staff_user
    assert tls_expiry_warning(request) == {}


@pytest.mark.django_db
def test_no_warning_for_a_certificate_valid_for_months(admin_client, tls_dir):
    tls.write_bundle(tls_dir, tls.generate_self_signed("fine.lan", "fine.lan"))

    assert "The TLS certificate" not in admin_client.get(reverse("panel:index")).content.decode()


@pytest.mark.django_db
def test_an_expired_certificate_is_called_expired(admin_user, tls_dir, pki):
    leaf = pki.leaf("old.example.org", not_before=pki.days(-100), not_after=pki.days(-2))
    (tls_dir).mkdir(parents=True)
    (tls_dir / tls.CERTIFICATE_FILE_NAME).write_bytes(leaf.pem)
    request = RequestFactory().get("/")
    request.user = admin_user

    assert "expired 3 days ago" in tls_expiry_warning(request)["tls_expiry_warning"]

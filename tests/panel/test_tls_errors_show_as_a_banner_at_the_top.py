"""A refused certificate says so at the top of the TLS page, not only beside the form far below,
and long certificate texts (Issuer) wrap instead of overflowing."""
import pytest
from django.conf import settings
from django.urls import reverse

from appliance.panel import tls

pytestmark = pytest.mark.django_db


def test_a_key_that_does_not_match_is_announced_in_a_banner_before_the_first_section(admin_client, tls_dir, pki,
                                                                                      good_leaf):
    response = admin_client.post(reverse("panel:tls-upload"), {
        "chain_text": (good_leaf.pem + pki.intermediate.pem).decode(),
        "key_text": pki.leaf("x.org").key_pem().decode()})

    html = response.content.decode()
    assert response.status_code == 400
    banner = html.index('id="tls-error"')
    assert 'class="banner error" role="alert"' in html
    assert banner < html.index("<h2>Certificate in use</h2>")
    assert "The private key does not belong to the certificate" in html[banner:html.index("</div>", banner)]


def test_a_field_error_points_at_its_form_from_the_banner(admin_client, tls_dir, good_leaf):
    html = admin_client.post(reverse("panel:tls-upload"), {"chain_text": good_leaf.pem.decode()}).content.decode()

    banner = html[html.index('id="tls-error"'):]
    assert 'href="#upload-certificate"' in banner[:banner.index("</div>")]
    assert 'id="upload-certificate"' in html


def test_the_tls_page_has_no_banner_when_nothing_went_wrong(admin_client, tls_dir):
    tls.write_bundle(tls_dir, tls.generate_self_signed("appliance.lan", "appliance.lan"))

    html = admin_client.get(reverse("panel:tls")).content.decode()

    assert 'id="tls-error"' not in html
    assert '<dl class="facts pairs">' in html


def test_long_certificate_texts_wrap():
    css = (settings.BASE_DIR / "webui" / "static" / "webui" / "css" / "appliance.css").read_text()
    assert ".facts dd { overflow-wrap: anywhere; min-width: 0; }" in css
    panel_css = (settings.BASE_DIR / "webui" / "static" / "panel" / "panel.css").read_text()
    assert ".facts.pairs { grid-template-columns: minmax(7rem, max-content) minmax(0, 1fr); }" in panel_css

"""Every page of the panel opens for an admin, and none of them for staff or strangers."""
import pytest
from django.urls import get_resolver, reverse

from appliance.panel import urls as panel_urls


def panel_url_names():
    return [pattern.name for pattern in panel_urls.urlpatterns]


def panel_url(name, user):
    pattern = next(pattern for pattern in panel_urls.urlpatterns if pattern.name == name)
    converters = pattern.pattern.converters
    kwargs = {key: (user.pk if key == "pk" else "tiny.en") for key in converters}
    return reverse(f"panel:{name}", kwargs=kwargs)


PAGES = ["index", "models", "model-state", "devices", "tls", "users", "tokens", "system", "audit"]


@pytest.mark.parametrize("name", PAGES)
def test_an_admin_opens_the_page(admin_client, admin_user, name):
    response = admin_client.get(panel_url(name, admin_user))

    assert response.status_code == 200, response.content.decode()[:2000]


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_get_403_on_every_panel_url(staff_client, staff_user, method):
    statuses = {name: getattr(staff_client, method)(panel_url(name, staff_user)).status_code
                for name in panel_url_names()}

    assert statuses == {name: 403 for name in panel_url_names()}


def test_strangers_are_sent_to_the_login_page(client, admin_user):
    for name in panel_url_names():
        response = client.get(panel_url(name, admin_user))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), name


def test_the_panel_is_mounted_under_panel(admin_user):
    assert reverse("panel:index") == "/panel/"
    assert "panel" in get_resolver().namespace_dict

import pytest
from django.urls import reverse

from appliance.tokens.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_and_then_only_its_prefix(staff_client, client, bearer):
    created = staff_client.post(reverse("tokens:create"), {"name": "meeting script"})

    assert created.status_code == 200
    plain = created.context["plain_token"]
    assert plain in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    listed = staff_client.get(reverse("tokens:index")).content.decode()
    assert plain not in listed
    assert "meeting script" in listed and ApiToken.objects.get().display_prefix in listed
    assert client.get("/api/jobs/", **bearer(plain)).status_code == 200


def test_a_token_needs_a_name(staff_client):
    response = staff_client.post(reverse("tokens:create"), {"name": ""})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_list_shows_when_a_token_was_created_and_last_used(staff_client, staff_user, issue_token, client, bearer):
    plain = issue_token(staff_user, "nightly export")
    before_use = staff_client.get(reverse("tokens:index")).content.decode()
    client.get("/api/jobs/", **bearer(plain))
    after_use = staff_client.get(reverse("tokens:index")).content.decode()

    assert "never" in before_use
    token = ApiToken.objects.get()
    assert token.created_at.strftime("%Y-%m-%d %H:%M") in after_use
    assert token.last_used_at.strftime("%Y-%m-%d %H:%M") in after_use and "never" not in after_use


def test_users_see_only_their_own_tokens(staff_client, other_staff_user, issue_token):
    issue_token(other_staff_user, "olgas secret script")

    assert "olgas secret script" not in staff_client.get(reverse("tokens:index")).content.decode()


def test_an_owner_revokes_their_token(staff_client, staff_user, issue_token):
    issue_token(staff_user)
    token = ApiToken.objects.get()

    response = staff_client.post(reverse("tokens:revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_by == staff_user


def test_staff_cannot_revoke_someone_elses_token(staff_client, other_staff_user, issue_token):
    issue_token(other_staff_user)
    token = ApiToken.objects.get()

    response = staff_client.post(reverse("tokens:revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_an_admins_own_page_shows_only_their_tokens_and_points_to_the_panel(admin_client, staff_user, issue_token):
    issue_token(staff_user, "sams script")

    page = admin_client.get(reverse("tokens:index")).content.decode()

    assert "sams script" not in page
    assert reverse("panel:tokens") in page


def test_the_owners_own_page_cannot_revoke_others_tokens_even_for_an_admin(admin_client, staff_user, issue_token):
    # Admins revoke other people's tokens in the panel, where it is audited.
    issue_token(staff_user)
    token = ApiToken.objects.get()

    assert admin_client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("tokens:index"))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

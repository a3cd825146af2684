import pytest
from django.test import Client

from appliance.tokens.models import ApiToken
from appliance.tokens.services import revoke

pytestmark = pytest.mark.django_db

JOBS_API = "/api/jobs/"


@pytest.fixture
def csrf_checking_client():
    return Client(enforce_csrf_checks=True)


def test_a_valid_token_logs_the_owner_in_for_the_job_api(client, staff_user, issue_token, bearer):
    response = client.get(JOBS_API, **bearer(issue_token(staff_user)))

    assert response.status_code == 200
    assert response.json()["jobs"] == [] and response.json()["count"] == 0


def test_a_token_request_needs_no_csrf_token(csrf_checking_client, staff_user, issue_token, bearer):
    response = csrf_checking_client.post(JOBS_API, {}, **bearer(issue_token(staff_user)))

    # Refused for the missing file, not for CSRF: the token is proof enough.
    assert response.status_code == 400
    assert "No file" in response.json()["error"]


def test_a_session_request_still_needs_its_csrf_token(csrf_checking_client, staff_user):
    csrf_checking_client.force_login(staff_user)

    response = csrf_checking_client.post(JOBS_API, {}, HTTP_ACCEPT="application/json")

    assert response.status_code == 403


@pytest.mark.parametrize(
    "presented",
    ["wa_00000000_not-a-real-secret", "nonsense", "wa_", "wa_abc_def"],
)
def test_a_bad_token_gets_401_in_openai_shape(client, presented, bearer):
    response = client.get(JOBS_API, **bearer(presented))

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "invalid_api_key"
    assert "not valid" in error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_with_a_real_prefix_is_refused(client, staff_user, issue_token, bearer):
    plain = issue_token(staff_user)
    forged = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")

    assert client.get(JOBS_API, **bearer(forged)).status_code == 401


def test_a_revoked_token_is_refused_at_its_next_request(client, staff_user, issue_token, bearer):
    plain = issue_token(staff_user)
    assert client.get(JOBS_API, **bearer(plain)).status_code == 200

    revoke(ApiToken.objects.get(), by=staff_user)
    response = client.get(JOBS_API, **bearer(plain))

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_the_token_of_a_disabled_user_is_refused(client, staff_user, issue_token, bearer):
    plain = issue_token(staff_user)
    staff_user.is_active = False
    staff_user.save()

    response = client.get(JOBS_API, **bearer(plain))

    assert response.status_code == 401
    assert "disabled" in response.json()["error"]["message"]


def test_a_bad_token_wins_over_a_good_session(staff_client):
    response = staff_client.get(JOBS_API, HTTP_AUTHORIZATION="Bearer wa_00000000_nope")

    assert response.status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, staff_user, issue_token, bearer):
    plain = issue_token(staff_user)
    assert ApiToken.objects.get().last_used_at is None

    client.get(JOBS_API, **bearer(plain))

    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_sees_only_its_owners_jobs_like_the_session_does(client, other_staff_user, issue_token, bearer):
    # A staff token is no admin: it gets the same 404 for another user's job id as the pages.
    response = client.get(f"{JOBS_API}00000000-0000-0000-0000-000000000000/", **bearer(issue_token(other_staff_user)))

    assert response.status_code == 404


def test_a_token_does_not_open_the_pages(client, admin_user, issue_token, bearer):
    plain = issue_token(admin_user)

    page = client.get("/jobs/", **bearer(plain))
    panel_post = client.post("/tokens/create/", {"name": "made by a script"}, **bearer(plain))

    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert panel_post.status_code == 302 and "/accounts/login/" in panel_post["Location"]
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["script"]


def test_an_admins_token_may_scrape_metrics(client, admin_user, issue_token, bearer):
    assert client.get("/metrics", **bearer(issue_token(admin_user))).status_code == 200

"""The page shows the running release, the available update with its changelog, and the history."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_release_the_update_and_the_history(managed, admin_client):
    managed.updater.check()

    page = admin_client.get("/panel/updates/").content.decode()

    assert "v1.0.0" in page and "stable" in page
    assert "v1.1.0 is available (running v1.0.0, 2 new commit(s))" in page
    assert "Faster uploads" in page
    assert "Install v1.1.0" in page
    assert "updated from nothing to v1.0.0" in page


def test_a_refusal_that_force_may_override_offers_install_anyway(managed, admin_client):
    managed.upstream.git("reset", "--quiet", "--hard", "v1.0.0~1")
    managed.upstream.release("v1.2.0", "Release v1.2.0 on a rewritten history")
    managed.updater.check()

    page = admin_client.get("/panel/updates/").content.decode()

    assert "upstream history was rewritten" in page
    assert "I understand: history-rewrite" in page
    assert "Install v1.2.0 anyway" in page


def test_a_refusal_force_cannot_override_offers_no_install(managed, admin_client):
    managed.write_config(require_signatures=True)
    managed.upstream.release("v1.2.0", "Release v1.2.0", signer=None)
    managed.updater.check()

    page = admin_client.get("/panel/updates/").content.decode()

    assert "v1.2.0 is not signed" in page
    assert "Install v1.2.0" not in page


def test_progress_rejects_a_bad_offset(managed, admin_client):
    response = admin_client.get("/panel/updates/progress.json", {"offset": "many"})

    assert response.status_code == 400
    assert response.json() == {"error": "offset must be a whole number"}

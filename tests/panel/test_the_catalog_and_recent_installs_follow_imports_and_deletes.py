"""The Models page's catalog refreshes itself after an import (the page swaps in the fragment
the state poll returns), and "Recent installs" no longer claims a deleted model is installed."""
import pytest
from django.urls import reverse


def import_archive(admin_client, name, path):
    with open(path, "rb") as handle:
        return admin_client.post(reverse("panel:model-import"), {"name": name, "archive": handle},
                                 HTTP_ACCEPT="application/json")


def page_state(admin_client):
    return admin_client.get(reverse("panel:model-state")).json()


@pytest.mark.django_db(transaction=True)
def test_an_imported_model_appears_in_the_polled_catalog_and_its_install_says_deleted_after_a_delete(
    admin_client, tiny_model_archive, finished_operation
):
    assert "fresh-tiny" not in page_state(admin_client)["catalog_html"]

    operation = finished_operation(import_archive(admin_client, "fresh-tiny", tiny_model_archive).json()["operation"]["id"])
    assert operation.state == "done", operation.message

    state = page_state(admin_client)
    assert '<td class="name">fresh-tiny' in state["catalog_html"]
    assert f'action="{reverse("panel:model-delete", args=["fresh-tiny"])}"' in state["catalog_html"]
    assert "csrfmiddlewaretoken" in state["catalog_html"]
    assert "fresh-tiny is installed in" in state["operations_html"]

    admin_client.post(reverse("panel:model-delete", args=["fresh-tiny"]))

    state = page_state(admin_client)
    assert "fresh-tiny" not in state["catalog_html"]
    assert "fresh-tiny is installed in" not in state["operations_html"]
    assert "fresh-tiny has been deleted since." in state["operations_html"]
    page = admin_client.get(reverse("panel:models")).content.decode()
    assert "fresh-tiny has been deleted since." in page


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_offers_an_imported_model_at_once(admin_client, tiny_model_archive, finished_operation):
    from appliance.jobs.available_models import available_model_names

    available_model_names()  # the upload page's short-lived list, filled before the import
    finished_operation(import_archive(admin_client, "listed-tiny", tiny_model_archive).json()["operation"]["id"])

    assert '<option value="listed-tiny"' in admin_client.get("/").content.decode()
    admin_client.post(reverse("panel:model-delete", args=["listed-tiny"]))
    assert '<option value="listed-tiny"' not in admin_client.get("/").content.decode()

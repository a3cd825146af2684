"""The web process caches the list of models an upload may name (listing checks every pack's
files); an import or a delete from the panel drops that cache, so the very next upload sees it."""
import pytest
from django.urls import reverse

from appliance.jobs.available_models import available_model_names


@pytest.mark.django_db(transaction=True)
def test_an_imported_model_is_offered_at_once_and_a_deleted_one_no_longer(admin_client, tiny_model_archive,
                                                                          finished_operation):
    assert "cached-tiny" not in available_model_names()  # the answer is now cached for 30 s

    with open(tiny_model_archive, "rb") as handle:
        response = admin_client.post(reverse("panel:model-import"), {"name": "cached-tiny", "archive": handle},
                                     HTTP_ACCEPT="application/json")
    assert finished_operation(response.json()["operation"]["id"]).state == "done"

    assert "cached-tiny" in available_model_names()

    admin_client.post(reverse("panel:model-delete", args=["cached-tiny"]))

    assert "cached-tiny" not in available_model_names()

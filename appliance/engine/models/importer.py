"""Import a model from a directory or an archive an admin uploaded, and delete one.

Archives come from outside, so they are unpacked member by member into a hidden staging
directory: only plain files and folders, no absolute paths, no '..', no links, a size cap.
The model appears under its name only once it is complete and checked (one rename).
"""
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from appliance.engine.models.catalog import catalog_entry, check_model_name
from appliance.engine.errors import ModelImportError, ModelNotAvailableError
from appliance.engine.models.modelfiles import directory_problems, models_root

# large-v3 in float32 is about 6 GiB; anything far beyond is not a Whisper model (or is a zip bomb).
MAX_UNPACKED_BYTES = 16 * 2**30
COPY_BLOCK_BYTES = 8 * 2**20
ARCHIVE_KINDS = ((".tar.gz", "tar"), (".tgz", "tar"), (".tar", "tar"), (".zip", "zip"))


def import_model(data_dir, name, source, replace=False):
    """Install the model found in `source` (directory, .tar, .tar.gz/.tgz or .zip) as `name`."""
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
            _unpack_archive(source, staging)
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


def _unpack_archive(source, staging):
    kind = _archive_kind(source)
    try:
        if kind == "zip":
            _unpack_zip(source, staging)
        else:
            _unpack_tar(source, staging)
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


def _unpack_tar(source, staging):
    with tarfile.open(source, mode="r:*") as archive:
        _extract(staging, (
            (member.name, _tar_kind(member), member.size, lambda member=member: archive.extractfile(member))
            for member in archive
        ))


def _tar_kind(member):
    if member.issym() or member.islnk():
        return "link"
    if member.isdir():
        return "directory"
    return "file" if member.isfile() else "special"


def _unpack_zip(source, staging):
    with zipfile.ZipFile(source) as archive:
        # file_size comes from the archive itself; ZipExtFile stops at it, so it bounds what is written.
        _extract(staging, (
            (info.filename, _zip_kind(info), info.file_size, lambda info=info: archive.open(info))
            for info in archive.infolist()
        ))


def _zip_kind(info):
    unix_mode = info.external_attr >> 16
    if unix_mode and (unix_mode & 0o170000) == 0o120000:
        return "link"
    return "directory" if info.is_dir() else "file"


def _extract(staging, members):
    """Write (name, kind, size, open) members below staging, refusing anything unsafe."""
    total = 0
    for name, kind, size, open_member in members:
        relative = _safe_relative_path(name)
        if kind == "link":
            raise ModelImportError(f"The archive contains a link ({name!r}); links are not accepted.")
        if kind == "special":
            raise ModelImportError(f"The archive contains a special file ({name!r}); it was rejected.")
        if relative is None:
            continue
        destination = staging / relative
        if kind == "directory":
            destination.mkdir(parents=True, exist_ok=True)
            continue
        total += size
        _check_total(total)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open_member() as reader, open(destination, "wb") as writer:
            shutil.copyfileobj(reader, writer, COPY_BLOCK_BYTES)

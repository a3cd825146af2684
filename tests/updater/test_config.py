"""The updater configuration: a JSON file with strict checks and clear messages."""

import json

import pytest

from updater import ConfigError, UpdaterConfig
from updater.config import find_config_path, save_panel_settings

FINGERPRINT = "0123456789ABCDEF0123456789ABCDEF01234567"


def _load(tmp_path, **values):
    path = tmp_path / "updater.json"
    path.write_text(json.dumps(values))
    return UpdaterConfig.load(path)


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    config = _load(tmp_path, data_dir="data")

    assert config.root == tmp_path
    assert config.sqlite_path == tmp_path / "data" / "db.sqlite3"
    assert config.backup_path == tmp_path / "data" / "backups"


@pytest.mark.parametrize("values, message", [
    ({"chanel": "beta"}, "unknown setting(s) chanel in "),
    ({"channel": "nightly"}, "channel 'nightly' in {path} must be one of: stable, beta, branch"),
    ({"channel": "branch", "branch": "bad..name"}, "branch 'bad..name' in {path} is not a valid git branch name"),
    ({"keep_releases": 1}, "keep_releases in {path} must be at least 2"),
    ({"keep_releases": "3"}, "setting keep_releases in {path} must be of type int, got '3'"),
    ({"allowed_signers": ["ABCD"]}, "'ABCD' is not a full 40-hex-digit GPG key fingerprint"),
    ({"require_signatures": True}, "signatures are required in {path} but no allowed signer fingerprint"),
    ({"maintenance_window": "2am-4am"}, "maintenance window '2am-4am' is not of the form HH:MM-HH:MM"),
    ({"maintenance_window": "25:00-04:00"}, "maintenance window '25:00-04:00' names a time that does not exist"),
    ({"database_url": "mysql://x"}, "database_url in {path} must start with sqlite:///, postgres:// or postgresql://"),
])
def test_it_names_what_is_wrong(tmp_path, values, message):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, **values)

    assert message.format(path=tmp_path / "updater.json") in str(error.value)


def test_it_says_when_the_file_is_missing_or_not_json(tmp_path):
    with pytest.raises(ConfigError, match="updater configuration .*missing.json does not exist"):
        UpdaterConfig.load(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ConfigError, match="cannot be read"):
        UpdaterConfig.load(tmp_path / "broken.json")


def test_fingerprints_are_normalised(tmp_path):
    spaced = " ".join(FINGERPRINT[i:i + 4] for i in range(0, 40, 4)).lower()

    assert _load(tmp_path, allowed_signers=[spaced]).allowed_signers == [FINGERPRINT]


def test_the_panel_changes_its_settings_and_keeps_the_rest(tmp_path):
    path = tmp_path / "updater.json"
    path.write_text(json.dumps({"health_url": "http://127.0.0.1:9/healthz", "channel": "stable"}))

    config = save_panel_settings(path, {"channel": "beta", "allowed_signers": [FINGERPRINT.lower()],
                                        "maintenance_window": "02:00-04:00"})

    assert config.channel == "beta"
    assert json.loads(path.read_text()) == {"health_url": "http://127.0.0.1:9/healthz", "channel": "beta",
                                            "allowed_signers": [FINGERPRINT], "maintenance_window": "02:00-04:00"}


def test_the_panel_cannot_change_commands_or_write_an_invalid_file(tmp_path):
    path = tmp_path / "updater.json"
    path.write_text(json.dumps({"channel": "stable"}))

    with pytest.raises(ConfigError, match="the panel cannot change restart_commands"):
        save_panel_settings(path, {"restart_commands": ["rm -rf /"]})
    with pytest.raises(ConfigError, match="must be one of"):
        save_panel_settings(path, {"schedule": "hourly"})
    assert json.loads(path.read_text()) == {"channel": "stable"}


def test_the_config_file_is_found_through_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("APPLIANCE_UPDATER_CONFIG", raising=False)
    monkeypatch.delenv("APPLIANCE_RELEASE_ROOT", raising=False)
    with pytest.raises(ConfigError, match="no updater configuration"):
        find_config_path()
    monkeypatch.setenv("APPLIANCE_RELEASE_ROOT", str(tmp_path))
    assert find_config_path() == tmp_path / "updater.json"
    monkeypatch.setenv("APPLIANCE_UPDATER_CONFIG", "/etc/whisper-appliance/updater.json")
    assert str(find_config_path()) == "/etc/whisper-appliance/updater.json"

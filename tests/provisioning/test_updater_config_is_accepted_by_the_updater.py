"""The updater.json the app role writes loads in the real updater, and its commands use only
placeholders the updater knows."""
import json
import shutil

from updater.commands import expand
from updater.config import UpdaterConfig


def test_the_updater_loads_the_written_configuration(rendered, tmp_path):
    path = tmp_path / "updater.json"
    shutil.copy(rendered / "updater.json", path)
    config = UpdaterConfig.load(path)
    assert config.remote == "/srv/upstream.git"
    assert config.root == tmp_path
    assert config.health_url == "http://127.0.0.1:8000/healthz"
    assert config.restart_commands == ["systemctl restart whisper-appliance.target"]
    assert "/etc/whisper-appliance/appliance.env" in config.config_files


def test_new_releases_get_the_model_packs_and_readable_static_files(rendered):
    values = {name: f"<{name}>" for name in
              ("python", "venv", "release", "updater_python", "wheelhouse", "pip_cache", "root", "data_dir")}
    config = json.loads((rendered / "updater.json").read_text())
    install = [expand(command, values) for command in config["install_commands"]]
    assert install[0][-1] == "<release>[packs]"
    post_stage = [expand(command, values) for command in config["post_stage_commands"]]
    assert ["chmod", "-R", "u=rwX,go=rX", "<release>/staticfiles"] in post_stage
    migrate = [expand(command, values) for command in config["migrate_commands"]]
    assert migrate == [["runuser", "-u", "whisper", "--", "<python>", "manage.py", "migrate", "--noinput"]]

"""The units start exactly the command lines of docs/architecture.md ("Process command lines")."""
import pytest

PYTHON = "/opt/whisper-appliance/current/.venv/bin/python"


@pytest.mark.parametrize("unit, command", [
    ("whisper-appliance-web.service",
     f"{PYTHON} -m daphne -b 127.0.0.1 -p 8000 appliance.asgi:application"),
    ("whisper-appliance-worker@.service",
     f"{PYTHON} -m appliance.runtime.worker_command --loglevel INFO --hostname worker%i@%H"),
    ("whisper-appliance-beat.service",
     f"{PYTHON} -m celery -A appliance.celery beat --loglevel INFO --schedule /var/lib/whisper-appliance/celerybeat-schedule"),
    ("whisper-appliance-live.service", f"{PYTHON} manage.py live_engine"),
    ("whisper-appliance-updater.service", f"{PYTHON} -m updater apply --if-available"),
])
def test_each_unit_starts_its_contract_command_from_the_current_release(rendered, read_unit, unit, command):
    settings = read_unit(rendered / unit)
    assert settings["ExecStart"] == [command]
    assert settings["WorkingDirectory"] == ["/opt/whisper-appliance/current"]
    assert settings["EnvironmentFile"] == ["/etc/whisper-appliance/appliance.env"]


def test_the_target_wants_every_process_and_the_local_redis(rendered, read_unit):
    wanted = read_unit(rendered / "whisper-appliance.target")["Wants"][0].split()
    assert set(wanted) == {
        "redis-server.service", "whisper-appliance-web.service", "whisper-appliance-beat.service",
        "whisper-appliance-live.service", "whisper-appliance-worker@0.service",
    }


@pytest.mark.parametrize("unit", ["web", "worker@", "beat", "live"])
def test_every_process_restarts_with_the_target_and_after_first_boot(rendered, read_unit, unit):
    settings = read_unit(rendered / f"whisper-appliance-{unit}.service")
    assert settings["PartOf"] == ["whisper-appliance.target"]
    assert "whisper-appliance-firstboot.service" in settings["After"][0].split()
    assert settings["Restart"] == ["always"]

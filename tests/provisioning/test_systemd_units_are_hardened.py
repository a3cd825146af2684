import pytest

APP_UNITS = ["web", "worker@", "beat", "live"]


@pytest.mark.parametrize("unit", APP_UNITS)
def test_app_processes_run_as_whisper_in_a_read_only_system(rendered, read_unit, unit):
    settings = read_unit(rendered / f"whisper-appliance-{unit}.service")
    assert settings["User"] == ["whisper"] and settings["Group"] == ["whisper"]
    for key, value in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                       ("ProtectHome", "yes"), ("CapabilityBoundingSet", "")]:
        assert settings[key] == [value], key


@pytest.mark.parametrize("unit, writable", [
    ("web", {"/var/lib/whisper-appliance", "/etc/whisper-appliance/tls"}),
    ("worker@", {"/var/lib/whisper-appliance"}),
    ("beat", {"/var/lib/whisper-appliance"}),
    ("live", {"/var/lib/whisper-appliance"}),
])
def test_only_the_data_dirs_are_writable(rendered, read_unit, unit, writable):
    settings = read_unit(rendered / f"whisper-appliance-{unit}.service")
    assert set(settings["ReadWritePaths"][0].split()) == writable


def test_the_updater_runs_at_the_lowest_priority_with_a_cpu_cap(rendered, read_unit):
    settings = read_unit(rendered / "whisper-appliance-updater.service")
    assert settings["Type"] == ["oneshot"]
    assert settings["Nice"] == ["19"]
    assert settings["IOSchedulingClass"] == ["idle"]
    assert settings["CPUQuota"] == ["50%"]
    assert settings["NoNewPrivileges"] == ["yes"]
    assert "PartOf" not in settings, "the updater restarts the target; it must not be restarted with it"


def test_the_updater_timer_is_daily_and_catches_up(rendered, read_unit):
    settings = read_unit(rendered / "whisper-appliance-updater.timer")
    assert settings["OnCalendar"] == ["daily"] and settings["Persistent"] == ["true"]


def test_redis_listens_on_a_unix_socket_only_on_a_single_host(rendered):
    config = (rendered / "redis.conf").read_text().splitlines()
    assert "port 0" in config
    assert "unixsocket /run/redis/redis-server.sock" in config
    assert not any(line.startswith(("bind", "requirepass")) for line in config)
    assert "maxmemory-policy noeviction" in config

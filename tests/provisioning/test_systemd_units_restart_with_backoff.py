"""Every long-running process, Redis included, is started again when it dies, and systemd never
gives up on it; on systemd >= 254 (Debian 13) the delay grows with each quick failure."""
import pytest

RESTARTED_UNITS = ["whisper-appliance-web.service", "whisper-appliance-worker@.service",
                   "whisper-appliance-beat.service", "whisper-appliance-live.service", "redis-restart.conf"]


@pytest.mark.parametrize("unit", RESTARTED_UNITS)
def test_each_process_restarts_always_without_a_start_limit(rendered, read_unit, unit):
    settings = read_unit(rendered / unit)
    assert settings["Restart"] == ["always"]
    assert settings["RestartSec"] == ["2"]
    assert settings["StartLimitIntervalSec"] == ["0"]


@pytest.mark.parametrize("unit", RESTARTED_UNITS)
def test_debian_12_gets_no_keys_its_systemd_does_not_know(rendered, read_unit, unit):
    settings = read_unit(rendered / unit)
    assert "RestartSteps" not in settings and "RestartMaxDelaySec" not in settings


@pytest.mark.parametrize("unit", RESTARTED_UNITS)
def test_debian_13_backs_off_up_to_a_minute(render_templates, read_unit, unit):
    trixie = render_templates("debian-13", {"ansible_facts": {
        "distribution": "Debian", "distribution_major_version": "13", "processor_vcpus": 4,
        "default_ipv4": {"address": "10.0.0.10"}}})
    settings = read_unit(trixie / unit)
    assert settings["RestartSteps"] == ["5"] and settings["RestartMaxDelaySec"] == ["60"]


def test_the_one_shot_updater_is_not_restarted(rendered, read_unit):
    assert "Restart" not in read_unit(rendered / "whisper-appliance-updater.service")

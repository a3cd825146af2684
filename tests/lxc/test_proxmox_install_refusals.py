"""Off Proxmox, or without root, the installer stops before any pct/pveam command with a message
that says what to do."""
import pytest


def test_it_refuses_to_run_off_a_proxmox_host(run_installer):
    result = run_installer()
    assert result.returncode == 1
    assert "not a Proxmox VE host" in result.stderr and "--dry-run" in result.stderr
    assert "pct " not in result.stdout and "pveam " not in result.stdout


def test_it_refuses_to_run_without_root(run_installer):
    result = run_installer(user="nobody")
    assert result.returncode == 1
    assert "run this as root" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name, value, message", [
    ("CORES", "four", "CORES must be a positive whole number"),
    ("RAM_MB", "0", "RAM_MB must be a positive whole number"),
    ("CTID", "12", "CTID must be a number from 100 up"),
    ("IP", "192.168.1.5", "IP must be dhcp or an address in CIDR form"),
    ("GPU", "amd", "GPU must be auto, nvidia, dri or none"),
    ("HOSTNAME_CT", "bad_name", "is not a valid host name"),
])
def test_it_refuses_bad_settings_even_in_a_dry_run(run_installer, name, value, message):
    result = run_installer("--dry-run", env={name: value})
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_it_refuses_unknown_options(run_installer):
    result = run_installer("--yes")
    assert result.returncode == 1 and "unknown option --yes" in result.stderr

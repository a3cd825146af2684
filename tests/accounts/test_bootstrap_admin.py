import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def bootstrap(*arguments):
    out = io.StringIO()
    call_command("bootstrap_admin", *arguments, stdout=out)
    return out.getvalue()


def test_the_first_start_creates_admin_with_a_generated_password_kept_0600(data_dir):
    output = bootstrap()

    password = (data_dir / "admin-password").read_text().strip()
    assert f"password: {password}" in output
    assert (data_dir / "admin-password").stat().st_mode & 0o777 == 0o600
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_admin


def test_a_second_start_leaves_the_account_and_its_password_alone(data_dir):
    bootstrap()
    password = (data_dir / "admin-password").read_text().strip()

    output = bootstrap()

    assert "password:" not in output and "Admin account: admin" in output
    assert authenticate(username="admin", password=password) is not None


def test_the_password_can_come_from_the_environment_and_is_then_not_written(data_dir, monkeypatch, tmp_path):
    (data_dir / "admin-password").unlink(missing_ok=True)
    secret = tmp_path / "admin-secret"
    secret.write_text("a long chosen passphrase\n")
    monkeypatch.setenv("APPLIANCE_ADMIN_PASSWORD_FILE", str(secret))

    output = bootstrap()

    assert "from APPLIANCE_ADMIN_PASSWORD" in output
    assert not (data_dir / "admin-password").exists()
    assert authenticate(username="admin", password="a long chosen passphrase") is not None


def test_reset_sets_a_new_password(data_dir):
    bootstrap()
    old = (data_dir / "admin-password").read_text().strip()

    bootstrap("--reset")

    new = (data_dir / "admin-password").read_text().strip()
    assert new != old and authenticate(username="admin", password=new) is not None

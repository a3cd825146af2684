"""`manage.py check --deploy` with the production settings, in a fresh process as on an appliance."""
import os
import subprocess
import sys

from django.conf import settings


def manage(*arguments, **environment):
    env = dict(os.environ, APPLIANCE_DATA_DIR=str(settings.DATA_DIR), **environment)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def test_the_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", APPLIANCE_DEBUG="false", APPLIANCE_BEHIND_TLS_PROXY="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_bad_setting_stops_the_start_with_a_message_naming_it():
    result = manage("check", APPLIANCE_MAX_UPLOAD_MB="lots")
    assert result.returncode != 0
    assert "Configuration error: APPLIANCE_MAX_UPLOAD_MB='lots' is not a whole number" in result.stderr

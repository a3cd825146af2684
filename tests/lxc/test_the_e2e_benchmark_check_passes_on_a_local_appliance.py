"""The end-to-end check lxc/e2e_checks.py runs inside a provisioned container ("benchmark_page_runs_a_suite":
one quick engine suite from the panel's page through the appliance's Celery worker), run here against
daphne and a worker on this test run's database and Redis, so the check itself is known to work
before a container ever runs it (`make e2e` needs LXC, which this test does not)."""
import importlib.util

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from servers import REPOSITORY_ROOT, process_environment, running_daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _e2e_checks():
    spec = importlib.util.spec_from_file_location("e2e_checks", REPOSITORY_ROOT / "lxc" / "e2e_checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_check_runs_one_engine_suite_through_the_page(worker_process, user_password, speech_wav,
                                                                    tmp_path, capsys):
    get_user_model().objects.create_user("admin", password=user_password, role="admin")
    worker_process(name="e2e-worker")
    with running_daphne(process_environment(settings.DATA_DIR), tmp_path / "daphne.log") as url:
        exit_code = _e2e_checks().main(["--base", url, "--password", user_password, "--speech", str(speech_wav),
                                        "--only", "login", "benchmark_page_runs_a_suite"])

    output = capsys.readouterr().out
    assert exit_code == 0, output
    assert "PASS benchmark_page_runs_a_suite: engine " in output and "steps seen: " in output

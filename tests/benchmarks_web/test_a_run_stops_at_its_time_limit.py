"""A run that outlives its time limit is stopped and marked failed, and the appliance its jobs suite
had started (redis-server, daphne, Celery in sessions of their own) is gone with it."""
import pytest
from waiting import wait_until

from benchmarks.process import marked_processes

from .conftest import suite_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_run_past_its_time_limit_fails_and_leaves_no_process(queued_run, celery_worker):
    # A quick jobs suite takes 13 s on a fast machine with its speech cached (CI finished three inside
    # 40 s): ten in a row cannot, so the limit always falls before the run ends, and the servers seen
    # here must be gone whether it falls inside a suite or between two.
    run = queued_run(["jobs"] * 10, time_limit_seconds=40)
    servers = wait_until(lambda: suite_servers(run), 40, "the jobs suite starting its appliance")

    wait_until(lambda: run.refresh_from_db() or run.is_finished, 60, "the run stopping")

    assert run.status == "failed" and "time limit of 40 seconds" in run.error
    assert not any(server.is_running() and server.status() != "zombie" for server in servers)
    assert marked_processes(run.process_marker) == []

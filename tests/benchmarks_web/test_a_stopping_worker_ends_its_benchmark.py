"""Stopping the worker (SIGTERM, as `make run` and systemd stop it) ends the benchmark it runs at once:
every process the suite started is gone (they live in sessions of their own, so a signal to the
worker's process group alone would miss them) and the run is marked failed, not left running."""
import pytest
from waiting import wait_until

from benchmarks.process import marked_processes

from .conftest import suite_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.mark.parametrize("pipeline", ["dynamic", "faster-whisper"])  # threads pool; one prefork child
def test_a_worker_stopped_mid_run_reaps_the_suite_and_fails_the_run(queued_run, worker_process, pipeline):
    worker = worker_process(name=f"bench-stop-{pipeline}", pipeline=pipeline)
    run = queued_run(["jobs"])
    servers = wait_until(lambda: suite_servers(run), 90, "the jobs suite starting its appliance")

    worker.stop()

    run.refresh_from_db()
    assert run.status == "failed" and "worker stopped" in run.error, run.error
    assert not any(server.is_running() and server.status() != "zombie" for server in servers)
    assert marked_processes(run.process_marker) == []

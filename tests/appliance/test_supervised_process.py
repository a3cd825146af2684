"""make run's supervision of one child, on real processes: a child that dies is reaped at once
(no zombie), its process group goes with it, and it comes back after a delay that doubles with
each quick failure and starts over after a stable run."""
import os
import signal
import subprocess
import time

import psutil
import pytest

from appliance.plumbing.run import START_FAILURES_ALLOWED, Supervisor
from appliance.plumbing.supervised_process import RestartBackoff, SupervisedProcess


def sleeper():
    # A shell with a child of its own, like a Celery worker with its pool.
    return subprocess.Popen(["sh", "-c", "sleep 60 & wait"], start_new_session=True)


def supervised(backoff=None):
    lines = []
    return SupervisedProcess("sleeper", sleeper, lines.append, backoff=backoff or RestartBackoff(first=0.05)), lines


def check_until(child, condition, timeout_seconds=10):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        child.check()
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("the condition never held")


def test_the_delay_doubles_up_to_the_longest_and_starts_over_after_a_stable_run():
    backoff = RestartBackoff(first=1, longest=8, stable_after=60)

    assert [backoff.delay_after(2) for _ in range(5)] == [1, 2, 4, 8, 8]
    assert backoff.delay_after(120) == 1


def test_a_killed_child_is_reaped_its_group_killed_and_started_again():
    child, lines = supervised()
    child.start()
    first = child.pid
    grandchild = psutil.Process(first).children()[0] if psutil.Process(first).children() else None
    try:
        os.kill(first, signal.SIGKILL)
        check_until(child, lambda: child.pid != first)

        assert not psutil.pid_exists(first) or psutil.Process(first).status() != psutil.STATUS_ZOMBIE
        if grandchild is not None:
            assert not grandchild.is_running() or grandchild.status() == psutil.STATUS_ZOMBIE
        assert child.exited() is None and child.restarts == 1
        assert any("exited with status -9: restarting in 0.05 s" in line for line in lines)
    finally:
        child.terminate()
        child.wait_stopped(10)


def test_a_child_that_cannot_start_is_tried_again_later():
    attempts = []

    def launch():
        attempts.append(1)
        if len(attempts) == 2:
            raise RuntimeError("not yet")
        return sleeper()

    lines = []
    child = SupervisedProcess("flaky", launch, lines.append, backoff=RestartBackoff(first=0.05)).start()
    try:
        os.kill(child.pid, signal.SIGKILL)
        check_until(child, lambda: len(attempts) == 3 and child.exited() is None)

        assert any("did not start (not yet)" in line for line in lines)
    finally:
        child.terminate()
        child.wait_stopped(10)


def test_a_terminated_child_is_not_started_again():
    child, _ = supervised()
    child.start()
    child.terminate()
    child.wait_stopped(10)
    time.sleep(0.1)

    assert child.check() is None and child.exited() is not None


def test_make_run_gives_up_on_a_child_that_keeps_failing_before_the_first_healthy_answer(tmp_path):
    supervisor = Supervisor(tmp_path, port=9)
    launch = lambda: subprocess.Popen(["sh", "-c", "exit 3"], start_new_session=True)  # noqa: E731
    supervisor.children["broken"] = SupervisedProcess("broken", launch, lambda line: None,
                                                      backoff=RestartBackoff(first=0.01)).start()  # fmt: skip
    with pytest.raises(RuntimeError, match=r"broken exited with status 3, \d+ times"):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            supervisor.check_children(starting=True)
            time.sleep(0.02)

    assert supervisor.children["broken"].backoff.quick_failures == START_FAILURES_ALLOWED + 1

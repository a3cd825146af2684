"""One child of `make run` that is kept running: when it exits it is reaped at once (no zombie),
whatever it left in its process group is killed, and it is started again after a delay that
doubles with each quick failure, the way systemd's Restart= with a backoff does on an appliance.

Imports no Django (run.py starts children before any settings load).
"""
import os
import signal
import subprocess
import time

FIRST_DELAY_SECONDS = 1.0
LONGEST_DELAY_SECONDS = 30.0
# A child that stayed up this long was healthy: its next failure starts from the first delay again.
STABLE_AFTER_SECONDS = 60.0


class RestartBackoff:
    """1 s, 2 s, 4 s ... up to 30 s between restarts; reset after a run of a minute or more."""

    def __init__(self, first=FIRST_DELAY_SECONDS, longest=LONGEST_DELAY_SECONDS, stable_after=STABLE_AFTER_SECONDS):
        self.first = first
        self.longest = longest
        self.stable_after = stable_after
        self.next = first
        self.quick_failures = 0

    def delay_after(self, ran_seconds):
        if ran_seconds >= self.stable_after:
            self.next = self.first
            self.quick_failures = 0
        delay = self.next
        self.next = min(self.next * 2, self.longest)
        self.quick_failures += 1
        return delay


def signal_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


class SupervisedProcess:
    """launch() starts the child (a Popen in its own session, so its group is its pid) and
    returns the Popen; call check() often (it reaps and restarts), terminate() + wait_stopped() to end."""

    def __init__(self, name, launch, log, backoff=None, clock=time.monotonic):
        self.name = name
        self.launch = launch
        self.log = log
        self.backoff = backoff or RestartBackoff()
        self.clock = clock
        self.process = None
        self.started_at = None
        self.restart_at = None
        self.restarts = 0
        self.stopped = False

    @property
    def pid(self):
        return self.process.pid if self.process is not None else None

    def start(self):
        self.process = self.launch()
        self.stopped = False
        self.started_at = self.clock()
        self.restart_at = None
        self.log(f"started {self.name} (pid {self.process.pid})")
        return self

    def exited(self):
        """The exit status when the child has ended (reaping it), else None."""
        return None if self.process is None else self.process.poll()

    def check(self):
        """Notice an exit, schedule the restart, restart when due. Returns the exit status seen
        now (None when the child is running or already waiting for its restart)."""
        if self.stopped:
            return None
        now = self.clock()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restarts += 1
                self._restart(now)
            return None
        status = self.exited()
        if status is None:
            return None
        # Pool children of a killed Celery worker stay in its group, orphaned: they would hold
        # its jobs and its memory, so they go with it.
        signal_group(self.process.pid, signal.SIGKILL)
        delay = self.backoff.delay_after(now - self.started_at)
        self.restart_at = now + delay
        self.log(f"{self.name} (pid {self.process.pid}) exited with status {status}: restarting in {delay:g} s")
        return status

    def _restart(self, now):
        try:
            self.start()
        except Exception as error:  # e.g. redis-server not answering yet: try again later
            delay = self.backoff.delay_after(0)
            self.restart_at = self.clock() + delay
            self.log(f"{self.name} did not start ({error}): trying again in {delay:g} s")

    def terminate(self):
        """Ask the child to stop (SIGTERM to its group); no restart follows."""
        self.stopped = True
        self.restart_at = None
        if self.process is not None and self.process.poll() is None:
            self.log(f"stopping {self.name}")
            signal_group(self.process.pid, signal.SIGTERM)

    def wait_stopped(self, timeout_seconds):
        """Wait for the child after terminate(), kill its group when it does not stop in time."""
        if self.process is None:
            return
        try:
            self.process.wait(max(0.1, timeout_seconds))
        except subprocess.TimeoutExpired:
            self.log(f"{self.name} did not stop in time: killing it")
            signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait()
        # A worker's pool children stay in its group; sweep any the parent left behind.
        signal_group(self.process.pid, signal.SIGKILL)

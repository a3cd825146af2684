"""Waiting for something another process or thread does, in the tests."""
import time


def wait_until(condition, timeout_seconds=120, what="the condition", poll_seconds=0.05):
    """condition()'s first truthy value; AssertionError naming `what` after timeout_seconds."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll_seconds)
    raise AssertionError(f"{what} did not happen within {timeout_seconds} s")

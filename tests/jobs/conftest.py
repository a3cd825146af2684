
import pytest
from waiting import wait_until


def wait_for_job(job, statuses=("done", "failed", "cancelled"), timeout_seconds=180):
    """Poll the row (as the pages do) until it reaches one of `statuses`."""

    def finished():
        job.refresh_from_db()
        return job.status in statuses

    wait_until(finished, timeout_seconds, what=f"job {job.pk} finishing (it is {job.status})")
    return job


@pytest.fixture
def wait_for():
    return wait_for_job


@pytest.fixture
def upload(staff_client):
    """POST files to the upload API as staff_user: upload(path, ..., client=..., **options) → response."""

    def post(*paths, client=None, **options):
        handles = [open(path, "rb") for path in paths]
        try:
            return (client or staff_client).post(
                "/api/jobs/", {"files": handles, **options}, HTTP_ACCEPT="application/json"
            )
        finally:
            for handle in handles:
                handle.close()

    return post


@pytest.fixture
def until():
    """until(condition, timeout_seconds=120, what="...") polls condition() until it is truthy."""
    return wait_until

"""A live appliance for API tests: a real daphne subprocess on this run's test database and
Redis, in front of the real Celery worker of the `celery_worker` fixture.

appliance_server (session) the base URL of daphne, e.g. "http://127.0.0.1:40123". Its upload
                 limit is LIVE_MAX_UPLOAD_MB, so the over-the-limit test needs no huge file.
api_client       (function) factory: api_client(plain_token) → openai.OpenAI aimed at appliance_server
                 (no retries, so every answer is seen as it came).
staff_token      (function) a plain API token of staff_user.
upload_limit_mb  (function) the server's APPLIANCE_MAX_UPLOAD_MB.
no_worker        (function) marks a test that runs without a worker; purges the queued messages after it.
"""
import pytest
from servers import process_environment, running_daphne

LIVE_MAX_UPLOAD_MB = 1


@pytest.fixture(scope="session")
def appliance_server(django_db_setup, redis_url, data_dir, tmp_path_factory):
    env = process_environment(data_dir, APPLIANCE_MAX_UPLOAD_MB=str(LIVE_MAX_UPLOAD_MB))
    # Kept in pytest's temp dir (…/pytest-of-<user>/pytest-<n>/daphne0/) for reading after a failure.
    with running_daphne(env, tmp_path_factory.mktemp("daphne") / "daphne.log") as url:
        yield url


@pytest.fixture
def upload_limit_mb():
    return LIVE_MAX_UPLOAD_MB


@pytest.fixture
def api_client(appliance_server):
    import openai

    def make(plain_token):
        return openai.OpenAI(api_key=plain_token, base_url=f"{appliance_server}/v1", max_retries=0, timeout=180)

    return make


@pytest.fixture
def staff_token(staff_user):
    from appliance.tokens.services import create_token

    return create_token(staff_user, "api tests")[1]


@pytest.fixture
def no_worker():
    """No worker runs: queued jobs stay queued; their messages are purged afterwards."""
    from appliance.celery import app

    yield
    app.control.purge()

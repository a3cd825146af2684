"""Live sessions are counted over every live engine's report in Redis. The reports are written
with the live app's own function, as its engines write them, without starting engines."""
import pytest

from appliance.live.metrics import forget_engine, report_engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_engines():
    engines = {"host-a:101": 2, "host-b:202": 1}
    for identity, sessions in engines.items():
        report_engine(identity, sessions, max_sessions=4)
    yield
    for identity in engines:
        forget_engine(identity)


def test_no_engine_means_no_live_session(scrape):
    assert scrape()["whisper_appliance_live_sessions"] == 0


def test_sessions_of_all_engines_add_up(two_engines, scrape):
    samples = scrape()

    assert samples["whisper_appliance_live_sessions"] == 3
    assert samples["whisper_appliance_live_sessions_limit"] >= 0

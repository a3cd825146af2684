"""Live sessions are counted over every live engine's presence record in Redis. The records are
written with the runtime's own Presence, as live engines write them, without starting engines."""
import pytest

from appliance.runtime.presence import Presence

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_engines():
    engines = [Presence("live", identity="host-a:101"), Presence("live", identity="host-b:202")]
    for engine, sessions in zip(engines, (2, 1)):
        engine.update(sessions=sessions, max_sessions=4)
        engine.beat()
    yield
    for engine in engines:
        engine.stop()


def test_no_engine_means_no_live_session(scrape):
    assert scrape()["whisper_appliance_live_sessions"] == 0


def test_sessions_of_all_engines_add_up(two_engines, scrape):
    samples = scrape()

    assert samples["whisper_appliance_live_sessions"] == 3
    assert samples["whisper_appliance_live_sessions_limit"] >= 0

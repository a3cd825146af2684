"""Who may use live transcription: logged-in users only, from the appliance's own origin."""
import pytest
from appliance.plumbing.redis_client import get_redis
from appliance.runtime.presence import KEY_PREFIX, present


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_socket_is_told_to_log_in_and_closed(run, live_client):
    client = live_client(user=None)

    async def scenario():
        assert await client.connect()
        error = await client.next_event()
        closed = await client.communicator.receive_output(timeout=5)
        return error, closed

    error, closed = run(scenario)
    assert error["code"] == "unauthenticated"
    assert closed == {"type": "websocket.close", "code": 4401}


@pytest.mark.django_db(transaction=True)
def test_a_program_with_an_api_token_may_transcribe_and_a_wrong_token_may_not(run, live_engine, staff_user):
    from appliance.tokens.services import create_token

    from .live_client import LiveClient

    plain = create_token(staff_user, "live test")[1]
    program, stranger = LiveClient(token=plain), LiveClient(token=plain[:-4] + "xxxx")

    async def scenario():
        assert await program.connect()
        ready = await program.start(language="en")
        saved = await program.stop_and_wait_saved()
        await program.close()
        assert await stranger.connect()
        refused = await stranger.next_event()
        await stranger.close()
        return ready, saved, refused

    ready, saved, refused = run(scenario)
    assert ready["type"] == "ready" and saved["type"] == "saved"
    assert refused["code"] == "unauthenticated"


@pytest.mark.django_db(transaction=True)
def test_a_socket_from_a_foreign_origin_is_refused(run, live_client, staff_user):
    client = live_client(staff_user, origin="https://evil.example")

    async def scenario():
        return await client.connect()

    assert run(scenario) is False


@pytest.mark.django_db(transaction=True)
def test_a_start_without_a_running_engine_is_refused_as_engine_unavailable(run, live_client, staff_user):
    for record in present("live"):  # none should be left by earlier tests; make sure
        get_redis().delete(KEY_PREFIX + record["identity"])
    client = live_client(staff_user)

    async def scenario():
        assert await client.connect()
        answer = await client.start(language="en")
        await client.close()
        return answer

    answer = run(scenario)
    assert answer["code"] == "engine_unavailable"


@pytest.mark.django_db
def test_the_live_page_needs_a_login(client):
    response = client.get("/live/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_live_page_offers_microphone_model_language_and_controls(staff_client):
    page = staff_client.get("/live/").content.decode()
    for element_id in ("live-microphone", "live-model", "live-language", "live-task", "live-start", "live-stop",
                       "live-level", "live-elapsed", "live-connection", "live-committed", "live-partial", "live-copy"):
        assert f'id="{element_id}"' in page
    assert 'value="tiny.en"' in page and "pcm-worklet.js" in page

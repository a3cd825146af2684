"""Progress reaches the owner's browser over ws/jobs/ through the real ASGI stack (session
cookie auth, origin check, channels-redis on the real Redis)."""
import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from appliance.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def socket_for(client=None):
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if client is not None:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/jobs/", headers=headers)


async def messages_until_finished(communicator, timeout_seconds=120):
    received = []
    async with asyncio.timeout(timeout_seconds):
        while True:
            message = await communicator.receive_json_from(timeout=timeout_seconds)
            received.append(message)
            if message["job"]["status"] in ("done", "failed", "cancelled"):
                return received


def test_the_owner_sees_the_job_queued_running_with_progress_and_done(staff_client, upload, speech_wav, celery_worker):
    async def scenario():
        communicator = socket_for(staff_client)
        connected, _ = await communicator.connect()
        assert connected
        response = await sync_to_async(upload)(speech_wav, batch_size="1")
        assert response.status_code == 201
        received = await messages_until_finished(communicator)
        await communicator.disconnect()
        return response.json()["jobs"][0]["id"], received

    job_id, received = async_to_sync(scenario)()

    assert {message["job"]["id"] for message in received} == {job_id}
    statuses = [message["job"]["status"] for message in received]
    assert statuses[0] == "queued" and statuses[-1] == "done"
    assert "running" in statuses
    running = [message for message in received if message["job"]["status"] == "running"]
    assert any(0 < message["job"]["progress"] <= 1 for message in running)
    pushed_text = " ".join(segment["text"] for message in received for segment in message["new_segments"])
    assert "team" in pushed_text.lower()


def test_another_staff_member_receives_nothing_about_the_job(
    staff_client, other_staff_user, upload, speech_wav, celery_worker
):
    from django.test import Client

    other = Client()
    other.force_login(other_staff_user)

    async def scenario():
        owner_socket, stranger_socket = socket_for(staff_client), socket_for(other)
        assert (await owner_socket.connect())[0] and (await stranger_socket.connect())[0]
        await sync_to_async(upload)(speech_wav)
        await messages_until_finished(owner_socket)
        nothing = await stranger_socket.receive_nothing(timeout=0.5)
        await owner_socket.disconnect()
        await stranger_socket.disconnect()
        return nothing

    assert async_to_sync(scenario)() is True


def test_an_admin_sees_every_users_jobs(staff_client, admin_client, upload, speech_wav, celery_worker):
    async def scenario():
        admin_socket = socket_for(admin_client)
        assert (await admin_socket.connect())[0]
        await sync_to_async(upload)(speech_wav)
        received = await messages_until_finished(admin_socket)
        await admin_socket.disconnect()
        return received

    assert async_to_sync(scenario)()[-1]["job"]["owner"] == "staff-sam"


def test_an_anonymous_socket_is_closed_at_once():
    async def scenario():
        communicator = socket_for()
        connected, code = await communicator.connect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4401)

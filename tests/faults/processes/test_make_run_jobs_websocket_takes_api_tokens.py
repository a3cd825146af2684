"""Item 11 of issue 19 against a real `make run` tree: a program follows its jobs on /ws/jobs/
with an API token (no cookie, no Origin), and anonymous callers of /healthz learn only ok/degraded."""
import json

import pytest
import websocket  # websocket-client

pytestmark = pytest.mark.slow


def test_a_program_with_a_token_gets_its_jobs_pushed(make_run_tree, speech_wav):
    tree = make_run_tree
    socket = websocket.create_connection(tree.url.replace("http://", "ws://") + "/ws/jobs/", timeout=120,
                                         header=[f"Authorization: Bearer {tree.token}"], suppress_origin=True)  # fmt: skip
    try:
        job = tree.upload(speech_wav, model="tiny.en")
        seen = []
        while not seen or seen[-1]["status"] != "done":
            event = json.loads(socket.recv())
            if event.get("type") == "job" and event["job"]["id"] == job["id"]:
                seen.append(event["job"])
    finally:
        socket.close()

    assert seen[-1]["status"] == "done"


def test_a_socket_without_token_or_origin_is_refused(make_run_tree):
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(make_run_tree.url.replace("http://", "ws://") + "/ws/jobs/", timeout=30,
                                    suppress_origin=True)  # fmt: skip


def test_anonymous_health_callers_learn_only_the_status(make_run_tree):
    status, body = make_run_tree.health()

    assert (status, body) == (200, {"status": "ok"})
    assert make_run_tree.api("GET", "/healthz")[1]["worker"]["ok"]

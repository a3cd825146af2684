"""The bar of issue 17, driven by a program with API tokens over HTTP against daphne and a real worker:
an uploaded recording's transcript is found by a phrase from it and not by one that is not in it; a
PATCHed segment shows in the TXT and SRT downloads; an edit on an older revision gets 409; restoring
revision 1 brings the machine text back; staff find only their own transcripts, admins everyone's."""
import re

import httpx2
import pytest

from appliance.tokens.services import create_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def client_for(appliance_server, user):
    token = create_token(user, "transcript tests")[1]
    return httpx2.Client(base_url=f"{appliance_server}/api/jobs/", headers={"Authorization": f"Bearer {token}"}, timeout=120)


def finished_upload(api, path):
    import time

    with open(path, "rb") as audio:
        created = api.post("", files={"files": audio}, data={"model": "tiny.en"})
    assert created.status_code == 201, created.text
    job_id = created.json()["jobs"][0]["id"]
    deadline = time.monotonic() + 180
    while api.get(f"{job_id}/").json()["status"] not in ("done", "failed", "cancelled"):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)
    assert api.get(f"{job_id}/").json()["status"] == "done"
    return job_id


def test_a_program_searches_corrects_and_restores_a_transcript(
    appliance_server, staff_user, other_staff_user, admin_user, speech_wav, celery_worker
):
    api = client_for(appliance_server, staff_user)
    job_id = finished_upload(api, speech_wav)

    machine = api.get(f"{job_id}/transcript/").json()
    assert machine["revision"]["number"] == 1 and machine["revision"]["kind"] == "machine"
    segment = next(s for s in machine["segments"] if "meeting" in s["text"].lower())
    words = re.findall(r"[\w']+", segment["text"])
    at = [word.lower() for word in words].index("meeting")
    phrase = " ".join(words[max(0, at - 2):at + 1])  # e.g. "send the meeting", as Whisper wrote it
    hits = api.get("", params={"q": f'"{phrase}"'}).json()["jobs"]
    assert [hit["id"] for hit in hits] == [job_id]
    assert hits[0]["matches"][0]["segment_id"] == segment["id"]
    assert api.get("", params={"q": '"purple elephant orchestra"'}).json()["jobs"] == []

    edited = api.patch(f"{job_id}/transcript/", json={"revision": 1, "segments": [{"id": segment["id"], "text": "Zanzibar quartz handbook."}]})
    assert edited.status_code == 200, edited.text
    for fmt in ("txt", "srt"):
        download = api.get(f"{job_id}/download/{fmt}").text
        assert "Zanzibar quartz handbook." in download and segment["text"] not in download, fmt
    assert [hit["id"] for hit in api.get("", params={"q": "zanzibar"}).json()["jobs"]] == [job_id]
    stale = api.patch(f"{job_id}/transcript/", json={"revision": 1, "segments": [{"id": segment["id"], "text": "Too late."}]})
    assert stale.status_code == 409 and stale.json()["revision"]["number"] == 2

    restored = api.post(f"{job_id}/transcript/revisions/1/restore/")
    assert restored.status_code == 200 and restored.json()["revision"]["number"] == 3
    assert api.get(f"{job_id}/transcript/").json()["segments"] == machine["segments"]
    assert segment["text"] in api.get(f"{job_id}/download/txt").text
    assert api.get("", params={"q": "zanzibar"}).json()["jobs"] == []

    other, admin = client_for(appliance_server, other_staff_user), client_for(appliance_server, admin_user)
    assert other.get("", params={"q": f'"{phrase}"'}).json()["jobs"] == []
    assert other.get(f"{job_id}/transcript/").status_code == 404
    assert [hit["id"] for hit in admin.get("", params={"q": f'"{phrase}"'}).json()["jobs"]] == [job_id]

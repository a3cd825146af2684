"""Correcting a transcript through /api/jobs/<id>/transcript/: every save is a revision, downloads use
the current one, an edit made on an older revision is refused (409), any revision can be restored."""
import json

import pytest
from django.core.files.base import ContentFile

from appliance.jobs.models import TranscriptRevision

pytestmark = pytest.mark.django_db

TEXTS = ["The quick brown fox jumps over the lazy dog.", "Please send the meeting notes before Friday."]


def patch(client, job, revision, *segments):
    return client.patch(f"/api/jobs/{job.public_id}/transcript/", json.dumps({"revision": revision, "segments": list(segments)}),
                        content_type="application/json")  # fmt: skip


def test_the_machine_transcript_is_revision_one_with_segment_ids(staff_client, finished_job):
    job = finished_job(TEXTS)
    document = staff_client.get(f"/api/jobs/{job.public_id}/transcript/").json()
    assert document["revision"]["number"] == 1 and document["revision"]["kind"] == "machine"
    assert [(segment["id"], segment["text"]) for segment in document["segments"]] == list(enumerate(TEXTS))
    assert document["segments"][0]["words"][0] == {"start": 0.0, "end": 0.278, "word": "The", "probability": 0.95}
    assert document["segments"][0]["avg_logprob"] == -0.2


def test_segments_numbered_otherwise_are_numbered_by_position_and_stay_editable(staff_client, finished_job):
    job = finished_job(TEXTS)
    for segment in job.result["segments"]:
        segment["id"] += 10
    job.save()
    ids = [segment["id"] for segment in staff_client.get(f"/api/jobs/{job.public_id}/transcript/").json()["segments"]]
    assert ids == [0, 1]
    assert patch(staff_client, job, 1, {"id": 1, "text": "Changed."}).status_code == 200  # the same text: no new revision
    assert staff_client.get(f"/api/jobs/{job.public_id}/").json()["result"]["text"] == f"{TEXTS[0]} Changed."


def test_a_patched_segment_shows_in_the_txt_and_srt_downloads(staff_client, finished_job):
    job = finished_job(TEXTS)
    answer = patch(staff_client, job, 1, {"id": 1, "text": "Please send the minutes before Monday."})
    assert answer.status_code == 200, answer.content
    assert answer.json()["revision"]["number"] == 2 and answer.json()["revision"]["author"] == "staff-sam"
    txt = staff_client.get(f"/api/jobs/{job.public_id}/download/txt").content.decode()
    assert txt == f"{TEXTS[0]}\nPlease send the minutes before Monday.\n"
    srt = staff_client.get(f"/api/jobs/{job.public_id}/download/srt").content.decode()
    assert "minutes before Monday." in srt and "meeting" not in srt


def test_only_the_given_segments_change(staff_client, finished_job):
    job = finished_job(TEXTS)
    before = staff_client.get(f"/api/jobs/{job.public_id}/transcript/").json()["segments"]
    patch(staff_client, job, 1, {"id": 0, "text": "The quick red fox."})
    after = staff_client.get(f"/api/jobs/{job.public_id}/transcript/").json()["segments"]
    assert after[1] == before[1] and after[0]["text"] == "The quick red fox."
    assert TranscriptRevision.objects.get(job=job, number=2).changes[0]["id"] == 0


def test_an_edit_made_on_an_older_revision_is_refused_with_the_newer_one(staff_client, admin_client, finished_job):
    job = finished_job(TEXTS)
    assert patch(admin_client, job, 1, {"id": 0, "text": "The admin's words."}).status_code == 200

    stale = patch(staff_client, job, 1, {"id": 0, "text": "The staff member's words."})

    assert stale.status_code == 409
    assert stale.json()["revision"]["number"] == 2 and stale.json()["revision"]["author"] == "admin-alice"
    assert stale.json()["transcript"]["segments"][0]["text"] == "The admin's words."
    assert "admin-alice" in stale.json()["error"]
    assert job.revisions.count() == 2


def test_restoring_revision_one_brings_the_machine_text_back(staff_client, finished_job):
    job = finished_job(TEXTS)
    patch(staff_client, job, 1, {"id": 0, "text": "Changed once."})
    patch(staff_client, job, 2, {"id": 1, "text": "Changed twice."})

    restored = staff_client.post(f"/api/jobs/{job.public_id}/transcript/revisions/1/restore/")

    assert restored.status_code == 200
    assert restored.json()["revision"] | {"created_at": None} == {
        "number": 4, "kind": "restore", "author": "staff-sam", "created_at": None, "restored_from": 1, "changed_segment_ids": []}  # fmt: skip
    assert staff_client.get(f"/api/jobs/{job.public_id}/download/txt").content.decode() == "".join(f"{t}\n" for t in TEXTS)
    listed = staff_client.get(f"/api/jobs/{job.public_id}/transcript/revisions/").json()
    assert listed["current"] == 4 and [revision["number"] for revision in listed["revisions"]] == [4, 3, 2, 1]
    second = staff_client.get(f"/api/jobs/{job.public_id}/transcript/revisions/2/").json()
    assert [segment["text"] for segment in second["segments"]] == ["Changed once.", TEXTS[1]]


def test_a_finished_rerun_becomes_a_new_revision_and_the_old_ones_stay(staff_client, finished_job):
    job = finished_job(TEXTS)
    patch(staff_client, job, 1, {"id": 0, "text": "Corrected by hand."})
    job.refresh_from_db()
    job.result = dict(job.result, segments=[dict(job.result["segments"][0], id=0, text=" A new run's words.")])
    job.save()

    listed = staff_client.get(f"/api/jobs/{job.public_id}/transcript/revisions/").json()["revisions"]
    assert [(revision["number"], revision["kind"]) for revision in listed] == [(3, "machine"), (2, "edit"), (1, "machine")]
    assert staff_client.get(f"/api/jobs/{job.public_id}/download/txt").content.decode() == "A new run's words.\n"
    job.save()  # the same result saved again is not another revision
    assert job.revisions.count() == 3


def test_a_speaker_is_carried_through_when_the_transcript_has_speakers(staff_client, finished_job):
    job = finished_job(TEXTS)
    for segment in job.result["segments"]:
        segment["speaker"] = "SPEAKER_1"
        for word in segment["words"]:
            word["speaker"] = "SPEAKER_1"
    job.save(update_fields=["progress"])  # not a new result: the revision keeps no speakers, the row has them
    job.__class__.objects.filter(pk=job.pk).update(result=job.result)

    answer = patch(staff_client, job, 1, {"id": 1, "speaker": "Dr. Weber"})

    assert answer.status_code == 200, answer.content
    assert answer.json()["segments"][0]["speaker"] == "Dr. Weber"
    job.refresh_from_db()
    assert {word["speaker"] for word in job.result["segments"][1]["words"]} == {"Dr. Weber"}


@pytest.mark.parametrize("body, message", [
    ({"segments": [{"id": 0, "text": "x"}]}, "Say which revision"),
    ({"revision": 1, "segments": [{"id": 99, "text": "x"}]}, "no segment with id 99"),
    ({"revision": 1, "segments": [{"id": -1, "text": "x"}]}, "no segment with id -1"),
    ({"revision": 1, "segments": [{"id": 0, "start": 3}]}, "Only the text and the speaker"),
    ({"revision": 1, "segments": [{"id": 0, "speaker": "A"}]}, "no speakers"),
    ({"revision": 1, "segments": []}, "one segment or more"),
])  # fmt: skip
def test_a_bad_edit_is_refused_with_a_reason_and_changes_nothing(staff_client, finished_job, body, message):
    job = finished_job(TEXTS)
    answer = staff_client.patch(f"/api/jobs/{job.public_id}/transcript/", json.dumps(body), content_type="application/json")
    assert answer.status_code == 400 and message in answer.json()["error"]
    assert job.revisions.count() == 1


def test_if_match_names_the_revision_instead_of_the_body(staff_client, finished_job):
    job = finished_job(TEXTS)
    etag = staff_client.get(f"/api/jobs/{job.public_id}/transcript/")["ETag"]
    answer = staff_client.patch(f"/api/jobs/{job.public_id}/transcript/", json.dumps({"segments": [{"id": 0, "text": "Hi."}]}),
                                content_type="application/json", HTTP_IF_MATCH=etag)  # fmt: skip
    assert answer.status_code == 200 and answer["ETag"] == '"2"'


def test_another_staff_members_transcript_is_not_found(staff_client, finished_job, other_staff_user):
    job = finished_job(TEXTS, owner=other_staff_user)
    assert staff_client.get(f"/api/jobs/{job.public_id}/transcript/").status_code == 404
    assert patch(staff_client, job, 1, {"id": 0, "text": "x"}).status_code == 404
    assert staff_client.post(f"/api/jobs/{job.public_id}/transcript/revisions/1/restore/").status_code == 404


def test_a_job_without_a_transcript_answers_409(staff_client, finished_job):
    job = finished_job(TEXTS)
    job.__class__.objects.filter(pk=job.pk).update(status="queued", result=None)
    assert staff_client.get(f"/api/jobs/{job.public_id}/transcript/").status_code == 409


def test_a_replace_in_many_segments_is_saved_as_one_revision(staff_client, finished_job):
    job = finished_job([f"Meeting number {n} is on Friday." for n in range(150)])
    edits = [{"id": n, "text": f"Meeting number {n} is on Monday."} for n in range(150)]
    answer = patch(staff_client, job, 1, *edits)
    assert answer.status_code == 200 and len(answer.json()["segments"]) == 150
    txt = staff_client.get(f"/api/jobs/{job.public_id}/download/txt").content.decode()
    assert "Friday" not in txt and txt.count("Monday") == 150
    assert job.revisions.count() == 2


def test_while_a_rerun_works_the_kept_transcript_reads_and_edits_wait(staff_client, finished_job):
    from appliance.jobs import services
    from appliance.jobs.request_options import options_of

    job = finished_job(TEXTS)
    patch(staff_client, job, 1, {"id": 0, "text": "Edited before the rerun."})
    job.refresh_from_db()
    job.audio.save("talk.wav", ContentFile(b"x"), save=True)  # a rerun needs its audio on disk
    services.rerun(job, options_of(job))

    document = staff_client.get(f"/api/jobs/{job.public_id}/transcript/").json()
    assert document["revision"]["number"] == 2 and document["segments"][0]["text"] == "Edited before the rerun."
    refused = patch(staff_client, job, 2, {"id": 1, "text": "During the rerun."})
    assert refused.status_code == 409 and "new run" in refused.json()["error"]
    assert staff_client.get("/api/jobs/", {"q": "edited"}).json()["jobs"][0]["id"] == str(job.public_id)

    job.refresh_from_db()
    job.save(update_fields=job.end_run("cancelled"))  # the rerun is cancelled: the kept run comes back
    assert job.revisions.count() == 2 and staff_client.get(f"/api/jobs/{job.public_id}/transcript/").json()["revision"]["number"] == 2

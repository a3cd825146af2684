"""Several jobs at once: their transcripts as one ZIP (current revisions; jobs without a transcript
listed, not dropped silently), or deleted together; never another user's job."""
import io
import json
import zipfile

import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db


def test_selected_transcripts_download_as_one_zip(staff_client, finished_job):
    first = finished_job(["First talk."], name="talk.wav")
    second = finished_job(["Second talk."], name="talk.mp3")
    pending = finished_job(["x"], name="pending.wav")
    Transcription.objects.filter(pk=pending.pk).update(status="running")
    edit = {"revision": 1, "segments": [{"id": 0, "text": "Second talk, corrected."}]}
    staff_client.patch(f"/api/jobs/{second.public_id}/transcript/", json.dumps(edit), content_type="application/json")

    answer = staff_client.post("/api/jobs/bulk/download/", json.dumps({"ids": [str(first.public_id), str(second.public_id),
                               str(pending.public_id)], "formats": ["txt", "srt"]}), content_type="application/json")  # fmt: skip

    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    names = archive.namelist()
    assert names == [first.download_name("txt"), first.download_name("srt"), second.download_name("txt"),
                     second.download_name("srt"), "not-included.txt"]  # fmt: skip
    assert archive.read(second.download_name("txt")).decode() == "Second talk, corrected.\n"
    assert "pending.wav" in archive.read("not-included.txt").decode()


def test_the_page_form_downloads_and_deletes_selected_jobs(staff_client, finished_job):
    jobs = [finished_job([f"Talk {n}."], name=f"{n}.wav") for n in range(3)]
    ids = [str(job.public_id) for job in jobs[:2]]
    download = staff_client.post("/jobs/bulk", {"ids": ids, "formats": "vtt", "action": "download"})
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert names == [job.download_name("vtt") for job in jobs[:2]]

    deleted = staff_client.post("/jobs/bulk", {"ids": ids, "action": "delete"}, follow=True)

    assert "Deleted 2 jobs" in deleted.content.decode()
    assert list(Transcription.objects.values_list("original_name", flat=True)) == ["2.wav"]
    assert staff_client.get("/api/jobs/", {"q": "talk"}).json()["jobs"][0]["name"] == "2.wav"


def test_another_users_jobs_are_never_part_of_a_bulk_action(staff_client, finished_job, other_staff_user):
    theirs = finished_job(["Not yours."], owner=other_staff_user)
    body = json.dumps({"ids": [str(theirs.public_id)]})
    assert staff_client.post("/api/jobs/bulk/download/", body, content_type="application/json").status_code == 404
    answer = staff_client.post("/api/jobs/bulk/delete/", body, content_type="application/json")
    assert answer.json() == {"deleted": [], "not_found": [str(theirs.public_id)]}
    assert Transcription.objects.filter(pk=theirs.pk).exists()


def test_an_empty_selection_or_unknown_format_is_refused(staff_client, finished_job):
    job = finished_job(["Hello."])
    empty = staff_client.post("/api/jobs/bulk/download/", json.dumps({"ids": []}), content_type="application/json")
    assert empty.status_code == 400 and "Select one job" in empty.json()["error"]
    bad = staff_client.post("/api/jobs/bulk/download/", json.dumps({"ids": [str(job.public_id)], "formats": ["doc"]}),
                            content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "Choose formats" in bad.json()["error"]


def test_zip_member_names_are_plain_file_names(staff_client, finished_job):
    job = finished_job(["Hi."], name="..\\..\\evil:name.wav")
    answer = staff_client.post("/api/jobs/bulk/download/", json.dumps({"ids": [str(job.public_id)]}), content_type="application/json")
    [name] = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))).namelist()
    assert "/" not in name and "\\" not in name and not name.startswith(".")

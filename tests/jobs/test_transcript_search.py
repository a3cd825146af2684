"""GET /api/jobs/?q=…: full-text search over the current transcripts a user may see, kept current on
completion, edit, restore and delete; phrases, prefixes, and no difference for accents or case."""
import json

import pytest

pytestmark = pytest.mark.django_db


def found(client, query):
    answer = client.get("/api/jobs/", {"q": query})
    assert answer.status_code == 200, answer.content
    return answer.json()["jobs"]


def names(client, query):
    return [job["name"] for job in found(client, query)]


def test_a_phrase_finds_its_segment_with_a_highlight_and_a_link_to_its_time(staff_client, finished_job):
    job = finished_job(["Good morning everyone.", "Please send the meeting notes before Friday."])
    [hit_job] = found(staff_client, '"the meeting notes"')
    [hit] = hit_job["matches"]
    assert hit["segment_id"] == 1 and hit["start"] == 3.0
    assert hit["text"][slice(*hit["highlights"][0])] == "the meeting notes"
    assert hit["url"] == f"/jobs/{job.public_id}/#t=3.00"
    assert found(staff_client, '"notes the meeting"') == []
    assert found(staff_client, "meeting tomorrow") == []


def test_prefixes_and_all_words_in_one_segment(staff_client, finished_job):
    finished_job(["Transcription works offline.", "It runs on a small box."], name="a.wav")
    assert names(staff_client, "transcri*") == ["a.wav"]
    assert names(staff_client, '"on a sma"*') == ["a.wav"]
    assert names(staff_client, "offline small") == []  # in two different segments


@pytest.mark.parametrize("spoken, typed", [
    ("Herr Müller wohnt in der Hauptstraße.", "muller hauptstrasse"),
    ("Wir treffen uns über Mittag.", "UBER"),
    ("Le garçon a mangé une crème brûlée.", "garcon creme brulee"),
    ("Les œuvres complètes.", "oeuvres"),
    ("El niño comió en la cafetería con su señora.", "nino cafeteria senora"),
    ("Herr Muller wartet.", "Müller"),
])  # fmt: skip
def test_accents_and_case_do_not_matter_in_german_french_and_spanish(staff_client, finished_job, spoken, typed):
    finished_job([spoken])
    [job] = found(staff_client, typed)
    assert job["matches"][0]["text"] == spoken and job["matches"][0]["highlights"]


def test_staff_find_only_their_own_transcripts_and_admins_find_all(staff_client, admin_client, finished_job, other_staff_user):
    finished_job(["The budget meeting is on Monday."], name="mine.wav")
    finished_job(["The budget meeting moved to Tuesday."], owner=other_staff_user, name="theirs.wav")
    assert names(staff_client, "budget") == ["mine.wav"]
    assert names(admin_client, "budget") == ["theirs.wav", "mine.wav"]


def test_the_index_follows_edits_restores_and_deletes(staff_client, finished_job):
    job = finished_job(["We ship the release on Friday."])
    edit = {"revision": 1, "segments": [{"id": 0, "text": "We ship the release on Thursday."}]}
    staff_client.patch(f"/api/jobs/{job.public_id}/transcript/", json.dumps(edit), content_type="application/json")
    assert found(staff_client, "friday") == [] and len(found(staff_client, "thursday")) == 1

    staff_client.post(f"/api/jobs/{job.public_id}/transcript/revisions/1/restore/")
    assert found(staff_client, "thursday") == [] and len(found(staff_client, "friday")) == 1

    staff_client.delete(f"/api/jobs/{job.public_id}/")
    assert found(staff_client, "friday") == []


def test_a_deleted_owner_takes_their_transcripts_out_of_the_index(admin_client, finished_job, other_staff_user):
    finished_job(["A secret plan."], owner=other_staff_user)
    other_staff_user.delete()
    assert found(admin_client, "secret") == []


def test_results_come_newest_first_a_page_at_a_time(staff_client, finished_job):
    from appliance.jobs import search

    for number in range(5):
        finished_job([f"Weekly report number {number}."] * 4, name=f"{number}.wav")
    first = search.search(_user(staff_client), "weekly report", jobs_per_page=2)
    assert [result.job.original_name for result in first.results] == ["4.wav", "3.wav"]
    assert all(result.more and len(result.hits) == 3 for result in first.results)
    second = search.search(_user(staff_client), "weekly report", before=first.next_before, jobs_per_page=2)
    third = search.search(_user(staff_client), "weekly report", before=second.next_before, jobs_per_page=2)
    assert [result.job.original_name for result in second.results + third.results] == ["2.wav", "1.wav", "0.wav"]
    assert third.next_before is None


def _user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_the_api_hands_out_the_next_page_as_a_link(staff_client, finished_job):
    for number in range(25):
        finished_job(["Status update."], name=f"{number}.wav")
    first = staff_client.get("/api/jobs/", {"q": "status"}).json()
    assert len(first["jobs"]) == 20 and first["next"]
    second = staff_client.get(first["next"]).json()
    assert len(second["jobs"]) == 5 and second["next"] is None


@pytest.mark.parametrize("query, message", [("", "Type a word"), ("ab*", "at least 3"), ("!!!", "Type a word"), ("x" * 600, "too long")])
def test_an_unusable_query_is_refused_with_a_reason(staff_client, query, message):
    answer = staff_client.get("/api/jobs/", {"q": query})
    assert answer.status_code == 400 and message in answer.json()["error"]


def test_query_syntax_cannot_break_out_of_the_search(staff_client, finished_job):
    finished_job(["Plain words only."])
    for query in ['words" OR "x', "owner : owner1", "NEAR(words only)", "words) OR (x", "' OR 1=1 --", "body:plain"]:
        assert staff_client.get("/api/jobs/", {"q": query}).status_code == 200, query


def test_a_job_matching_in_very_many_segments_still_shows_its_first_matches(staff_client, finished_job):
    from appliance.jobs import search

    texts = [f"Line {number} says hello." for number in range(search.SKIP_AFTER_HITS * 2)]
    finished_job(["Hello from an older job."], name="older.wav")
    finished_job(texts, name="long.wav")
    [long_job, older] = found(staff_client, "hello")
    assert [match["text"] for match in long_job["matches"]] == texts[:3] and long_job["more_matches"]
    assert older["name"] == "older.wav" and older["more_matches"] is False


def test_rows_of_jobs_gone_without_a_signal_are_dropped_at_the_next_migrate(staff_client, finished_job):
    from django.core.management import call_command

    from appliance.jobs.models import Transcription, TranscriptRevision

    job = finished_job(["An orphaned sentence."])
    for rows in (TranscriptRevision.objects.filter(job=job), Transcription.objects.filter(pk=job.pk)):
        rows._raw_delete(rows.db)  # as a flush does: no signals
    replacement = finished_job(["Something else."])  # a later job could get a freed id
    call_command("migrate", "jobs", verbosity=0)
    assert found(staff_client, "orphaned") == [] and len(found(staff_client, "else")) == 1
    assert replacement.pk

"""The search page: highlighted snippets that link to the job at the segment's time, a clear message for
an unusable query, nothing of other people's for staff; and the job list's search box and selection."""
import pytest

from appliance.jobs.models import Status, Transcription

pytestmark = pytest.mark.django_db


def done_job(owner, text, name):
    segments = [{"id": 0, "start": 12.5, "end": 15.0, "text": f" {text}", "words": []}]
    return Transcription.objects.create(owner=owner, original_name=name, audio=f"x/{name}", model_name="tiny.en",
                                        status=Status.DONE, result={"segments": segments})  # fmt: skip


def test_results_show_escaped_highlighted_snippets_linking_to_the_segment(staff_client, staff_user):
    job = done_job(staff_user, "The <b>budget</b> review is on Friday.", "review.wav")
    html = staff_client.get("/search/", {"q": "budget"}).content.decode()
    assert f'href="/jobs/{job.public_id}/#t=12.50"' in html
    assert "&lt;<mark>b</mark>&gt;" not in html and "<mark>budget</mark>" in html and "&lt;b&gt;" in html


def test_staff_do_not_see_other_peoples_results_and_bad_queries_are_explained(staff_client, other_staff_user):
    done_job(other_staff_user, "A confidential budget.", "theirs.wav")
    assert "theirs.wav" not in staff_client.get("/search/", {"q": "budget"}).content.decode()
    assert "at least 3 letters" in staff_client.get("/search/", {"q": "bu*"}).content.decode()


def test_the_job_list_has_a_search_box_and_selection_boxes(staff_client, staff_user):
    job = done_job(staff_user, "Hello.", "hello.wav")
    html = staff_client.get("/jobs/").content.decode()
    assert 'action="/search/"' in html and f'name="ids" value="{job.public_id}"' in html

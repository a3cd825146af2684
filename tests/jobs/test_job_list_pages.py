"""GET /api/jobs/ comes in pages, newest first, with a link to the next one; bad paging is refused."""
import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_jobs(staff_user):
    return [
        Transcription.objects.create(owner=staff_user, original_name=f"meeting-{number}.wav", size_bytes=1,
                                     result={"text": "x" * 1000})
        for number in range(5)
    ]


def test_the_pages_walk_every_job_once_newest_first(staff_client, five_jobs):
    seen, url = [], "/api/jobs/?page_size=2"
    while url:
        answer = staff_client.get(url).json()
        assert answer["count"] == 5 and answer["pages"] == 3
        seen += [job["name"] for job in answer["jobs"]]
        url = answer["next"]

    assert seen == [job.original_name for job in reversed(five_jobs)]


def test_the_next_link_keeps_the_status_filter(staff_client, five_jobs):
    answer = staff_client.get("/api/jobs/?status=queued&page_size=4").json()

    assert answer["next"] == "/api/jobs/?status=queued&page_size=4&page=2"
    assert "result" not in answer["jobs"][0]


@pytest.mark.parametrize("query, status", [
    ("page=0", 400), ("page=two", 400), ("page_size=0", 400), ("page_size=201", 400), ("page=9", 404),
])
def test_bad_paging_gets_a_clear_error(staff_client, five_jobs, query, status):
    response = staff_client.get(f"/api/jobs/?{query}")

    assert response.status_code == status
    assert "page" in response.json()["error"]

"""In a real browser, the job page while a job waits and runs: it says how the job will run,
its place in the queue and a rough finish time, shows the transcript segment by segment before
the end, and notifies (browser notification) when the job is done."""
import json

import pytest
from selenium.webdriver.common.by import By

from appliance.jobs import partial_transcript
from appliance.jobs.models import Transcription
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def make_job(owner, status="queued", **fields):
    values = {"original_name": "meeting.wav", "model_name": "base", "duration_seconds": 120.0,
              "task": "translate", "language": "de", "initial_prompt": "Grünwald GmbH", **fields}
    return Transcription.objects.create(owner=owner, status=status, **values)


def fact(browser, label):
    return browser.find_element(By.XPATH, f"//dt[text()='{label}']/following-sibling::dd").text


def test_a_queued_job_shows_how_it_will_run_and_its_place_in_the_queue(log_in_as, live_server, staff_user,
                                                                        other_staff_user):
    make_job(other_staff_user, original_name="earlier.wav")
    job = make_job(staff_user)
    browser = log_in_as(staff_user)

    browser.get(f"{live_server.url}/jobs/{job.public_id}/")

    assert fact(browser, "Task") == "Translate to English"
    assert fact(browser, "Language") == "German"
    assert fact(browser, "Model") == "base"
    assert fact(browser, "Prompt") == "Grünwald GmbH"
    assert "Number 2 in the queue (1 job ahead)" in browser.find_element(By.ID, "job-eta").text

    # The job ahead leaves the queue: the page moves this one up without a reload.
    Transcription.objects.filter(original_name="earlier.wav").update(status="cancelled")
    page_wait(browser, 20, 0.2).until(
        lambda b: "Number 1 in the queue;" in b.find_element(By.ID, "job-eta").text)


def test_a_running_jobs_segments_appear_before_it_ends(log_in_as, live_server, staff_user):
    job = make_job(staff_user, status="running", progress=0.2, task="transcribe", language="")
    partial_transcript.forget(job.pk)
    partial_transcript.append(job.pk, [{"index": 0, "start": 0.0, "end": 2.0, "text": " Good morning everyone."}])
    browser = log_in_as(staff_user)

    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait = page_wait(browser, 30, 0.2)
    wait.until(lambda b: "Good morning everyone." in b.find_element(By.ID, "segments").text)

    partial_transcript.append(job.pk, [{"index": 1, "start": 2.0, "end": 4.0, "text": " The budget is approved."}])
    Transcription.objects.filter(pk=job.pk).update(progress=0.5)
    wait.until(lambda b: "The budget is approved." in b.find_element(By.ID, "segments").text)
    texts = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#segments .segment")]
    assert len(texts) == 2, texts  # each segment once, though the polls returned it again


def test_the_browser_notifies_when_the_job_is_done(log_in_as, live_server, staff_user, staff_client, speech_wav,
                                                    request):
    with open(speech_wav, "rb") as handle:
        answer = staff_client.post("/api/jobs/", {"files": handle}, HTTP_ACCEPT="application/json")
    job = Transcription.objects.get(public_id=answer.json()["jobs"][0]["id"])
    browser = log_in_as(staff_user)
    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait = page_wait(browser, 180, 0.25)

    wait.until(lambda b: b.find_element(By.ID, "job-notify").is_displayed())
    browser.find_element(By.ID, "job-notify").click()
    wait.until(lambda b: "You get a browser notification" in b.find_element(By.ID, "job-notify-state").text)
    request.getfixturevalue("celery_worker")  # only now does a worker take the job

    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, "[data-field=status]").text == "Done")
    notifications = wait.until(lambda b: json.loads(b.execute_script(
        "return localStorage.getItem('test-notifications') || '[]'")))
    assert notifications == ["speech.wav is transcribed"]
    browser.refresh()
    assert json.loads(browser.execute_script("return localStorage.getItem('test-notifications')")) == notifications


def test_the_upload_page_notifies_as_each_upload_is_transcribed(log_in_as, live_server, staff_user, speech_wav,
                                                                 celery_worker):
    browser = log_in_as(staff_user)
    browser.get(live_server.url + "/")
    wait = page_wait(browser, 180, 0.25)
    # Permission was granted before (the browser's profile): nothing to click.
    wait.until(lambda b: "You get a browser notification" in b.find_element(By.ID, "uploads-notify-state").text)

    file_input = browser.find_element(By.ID, "file-input")
    browser.execute_script("arguments[0].hidden = false", file_input)
    file_input.send_keys(str(speech_wav))

    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".upload.done"))
    notifications = wait.until(lambda b: json.loads(b.execute_script(
        "return localStorage.getItem('test-notifications') || '[]'")))
    assert notifications == ["speech.wav is transcribed"]

"""The job page names the task, language, model, options and prompt a job ran with, so two runs
of one file can be told apart; languages are names, never bare codes."""
import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db


def job_page(client, **fields):
    values = {"original_name": "talk.wav", "model_name": "base", "status": "done", "duration_seconds": 5.0,
              "result": {"segments": []}, **fields}
    job = Transcription.objects.create(owner=client.user, **values)
    return client.get(f"/jobs/{job.public_id}/").content.decode()


@pytest.fixture
def client_of(staff_client, staff_user):
    staff_client.user = staff_user
    return staff_client


def fact(html, label):
    start = html.index(f"<dt>{label}</dt><dd>") + len(f"<dt>{label}</dt><dd>")
    return html[start:html.index("</dd>", start)]


def test_a_translation_with_a_prompt_and_word_timestamps_says_so(client_of):
    html = job_page(client_of, task="translate", language="de", word_timestamps=True,
                    initial_prompt="Names: Grünwald, Ødegaard.", model_used="base", device_used="cpu",
                    compute_type_used="int8")

    assert fact(html, "Task") == "Translate to English"
    assert fact(html, "Language") == "German"
    assert fact(html, "Model") == "base on cpu (int8)"
    assert fact(html, "Options") == "Word timestamps"
    assert fact(html, "Prompt") == "Names: Grünwald, Ødegaard."


def test_a_detected_language_is_named_as_detected(client_of):
    assert fact(job_page(client_of, detected_language="fr"), "Language") == "French (detected)"


def test_an_english_only_model_says_why_the_language_is_english(client_of):
    html = job_page(client_of, model_name="tiny.en", detected_language="en")
    assert fact(html, "Language") == "English (the model knows only English)"


def test_engine_options_are_shown_to_admins_only(client_of, admin_client, admin_user):
    job = Transcription.objects.create(owner=client_of.user, original_name="a.wav", model_name="base",
                                       status="done", batch_size=4, vad=False, result={"segments": []})

    staff_html = client_of.get(f"/jobs/{job.public_id}/").content.decode()
    admin_html = admin_client.get(f"/jobs/{job.public_id}/").content.decode()

    assert "batch size" not in fact(staff_html, "Options")
    assert fact(admin_html, "Options") == "No word timestamps, silence kept (no VAD), batch size 4"

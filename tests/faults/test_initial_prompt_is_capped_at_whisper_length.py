"""Item 12 of issue 19: an initial prompt longer than the 223 tokens Whisper reads is refused
with a sentence (job API and upload form, OpenAI endpoint), instead of being cut or run."""
import pytest
from upload_tree import serving, token_client

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)
WORDS = "Kubernetes Proxmox Grafana invoice quarterly roadmap Zurich Aarav Siobhan deployment "


def test_long_prompts_are_refused_by_the_job_api_and_the_openai_endpoint(tmp_path, staff_user, speech_wav):
    too_many_tokens = WORDS * 20  # 200 words (1720 characters): over 223 tokens, under 2000 characters
    pasted_book = "word " * 20_000
    audio = speech_wav.read_bytes()
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        job_api = [client.post("/api/jobs/", files={"files": ("speech.wav", audio)}, data={"initial_prompt": prompt})
                   for prompt in (too_many_tokens, pasted_book)]  # fmt: skip
        openai = client.post("/v1/audio/transcriptions", files={"file": ("speech.wav", audio)},
                             data={"model": "whisper-1", "prompt": too_many_tokens})  # fmt: skip
        fitting = client.post("/api/jobs/", files={"files": ("speech.wav", audio)}, data={"initial_prompt": WORDS * 3})

    for answer in job_api:
        assert answer.status_code == 400, answer.text
        assert "Whisper reads at most 223 tokens" in answer.json()["error"]
    assert "tokens long" in job_api[0].json()["error"] and "99999 characters long" in job_api[1].json()["error"]
    assert openai.status_code == 400 and openai.json()["error"]["param"] == "prompt"
    assert "223 tokens" in openai.json()["error"]["message"]
    assert fitting.status_code == 201, fitting.text
    assert Transcription.objects.count() == 1

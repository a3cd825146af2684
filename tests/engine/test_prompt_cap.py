"""check_prompt() refuses what Whisper would not read: over 223 tokens of the model's own
tokenizer, or over 2000 characters before any counting."""
import pytest

from appliance.engine import InvalidOptionsError
from appliance.engine.transcription_options import MAX_PROMPT_TOKENS, check_prompt


def test_a_prompt_within_whisper_context_passes(tiny_model_dir):
    check_prompt("Proxmox, Kubernetes and Grafana at the Zurich office.", tiny_model_dir)


def test_a_prompt_over_223_tokens_is_refused_with_its_count(tiny_model_dir):
    with pytest.raises(InvalidOptionsError, match=r"is \d+ tokens long; Whisper reads at most 223"):
        check_prompt("Kubernetes deployment " * 80, tiny_model_dir)


def test_exactly_the_limit_passes(tiny_model_dir):
    check_prompt(" a" * MAX_PROMPT_TOKENS, tiny_model_dir)


def test_a_pasted_book_is_refused_without_a_tokenizer():
    with pytest.raises(InvalidOptionsError, match="100000 characters"):
        check_prompt("x" * 100_000)

"""Faults the real server will not make on request come from the labelled fault-injecting proxy."""
import pytest

from appliance.llm import ChatEndpoint, LLMError

QUESTION = [{"role": "user", "content": "Count from one to twenty."}]


def _answer(url, timeout_seconds=30):
    return "".join(ChatEndpoint(url, timeout_seconds=timeout_seconds).stream_chat("gemma-3-270m", QUESTION, max_tokens=60))


def test_a_server_error_is_reported_with_its_status_and_message(fault_proxy):
    with pytest.raises(LLMError, match="HTTP 500.*injected failure"):
        _answer(fault_proxy("http-500"))


def test_a_server_that_does_not_answer_times_out(fault_proxy):
    with pytest.raises(LLMError, match="did not answer within 1 s"):
        _answer(fault_proxy("stall", stall_seconds=5), timeout_seconds=1)


def test_a_stream_cut_before_its_end_is_not_taken_for_a_whole_answer(fault_proxy):
    with pytest.raises(LLMError, match="broke off"):
        _answer(fault_proxy("drop-stream", events=3))


def test_a_refused_api_key_says_to_check_it(fault_proxy):
    with pytest.raises(LLMError, match=r"HTTP 401 \(check the API key\)"):
        ChatEndpoint(fault_proxy("http-401"), api_key="sk-wrong").list_models()

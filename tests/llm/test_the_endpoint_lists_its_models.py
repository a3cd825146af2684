import pytest

from appliance.llm import ChatEndpoint, LLMError


def test_the_models_of_a_real_server_are_listed(llm_server):
    assert ChatEndpoint(llm_server).list_models() == ["gemma-3-270m"]


def test_the_api_root_may_be_given_with_or_without_v1(llm_server):
    assert ChatEndpoint(llm_server + "/v1/").list_models() == ChatEndpoint(llm_server).list_models()


def test_an_unreachable_endpoint_says_where_it_looked():
    from servers import free_port

    with pytest.raises(LLMError, match=r"Cannot reach the LLM endpoint at http://127\.0\.0\.1:\d+/v1"):
        ChatEndpoint(f"http://127.0.0.1:{free_port()}", timeout_seconds=2).list_models()


def test_a_base_url_that_is_no_http_url_is_refused_at_once():
    with pytest.raises(LLMError, match="must start with http"):
        ChatEndpoint("localhost:11434")

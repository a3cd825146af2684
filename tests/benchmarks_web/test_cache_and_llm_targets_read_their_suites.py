from benchmarks.web.targets import evaluate

from .conftest import suite_result


def test_the_cache_and_llm_stream_targets_read_their_suites_figures():
    rows = {row["figure"]: row for row in evaluate({
        "audio-cache": suite_result("audio-cache", {"cached_max_seconds": 0.021}),
        "llm-stream": suite_result("llm-stream", {"appliance_first_token_max_seconds": 2.4}),
    })}  # fmt: skip

    assert rows["slowest cached upload → done"]["seed_passed"] is True
    assert rows["slowest first token at the client"]["seed_passed"] is False

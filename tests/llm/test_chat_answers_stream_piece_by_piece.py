import threading

import pytest

from appliance.llm import ChatEndpoint, LLMCancelled
from appliance.llm.endpoint import StreamFigures

QUESTION = [{"role": "system", "content": "Answer in one short sentence."},
            {"role": "user", "content": "What colour is the sky on a clear day?"}]  # fmt: skip


def test_a_streamed_answer_arrives_in_pieces_with_its_figures(llm_server):
    figures = StreamFigures()

    pieces = list(ChatEndpoint(llm_server).stream_chat("gemma-3-270m", QUESTION, max_tokens=24, figures=figures))

    assert len(pieces) > 1 and "".join(pieces).strip()
    assert figures.tokens == len(pieces)
    assert 0 < figures.first_token_seconds <= figures.seconds
    assert figures.finish_reason in ("stop", "length")


def test_a_cancelled_stream_stops_between_two_pieces(llm_server):
    cancel = threading.Event()
    received = []

    with pytest.raises(LLMCancelled):
        for piece in ChatEndpoint(llm_server).stream_chat("gemma-3-270m", QUESTION, max_tokens=200, cancel=cancel):
            received.append(piece)
            cancel.set()

    assert len(received) == 1

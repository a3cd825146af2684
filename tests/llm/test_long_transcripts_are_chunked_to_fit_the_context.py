from appliance.llm import chunk_segments
from appliance.llm.chunking import cleanup_budget, estimate_tokens


def _segments(count, words=12):
    return [{"id": n, "start": n * 3.0, "end": n * 3.0 + 3.0, "text": " " + " ".join(["word"] * words)} for n in range(count)]


def test_chunks_stay_under_the_budget_and_keep_every_segment_in_order():
    segments = _segments(200)

    chunks = chunk_segments(segments, budget_tokens=300)

    assert len(chunks) > 1
    assert [segment["id"] for chunk in chunks for segment in chunk] == list(range(200))
    for chunk in chunks:
        assert sum(estimate_tokens(segment["text"]) + 4 for segment in chunk) <= 300


def test_a_segment_longer_than_the_budget_is_a_chunk_of_its_own():
    chunks = chunk_segments(_segments(3, words=400), budget_tokens=100)

    assert [len(chunk) for chunk in chunks] == [1, 1, 1]


def test_the_clean_up_budget_leaves_room_for_the_answer():
    assert cleanup_budget(context_tokens=4096, max_answer_tokens=4096) == (4096 - 400) // 2
    assert cleanup_budget(context_tokens=4096, max_answer_tokens=512) == 512


def test_a_shorter_first_chunk_gets_the_first_words_out_sooner_and_the_rest_use_the_full_budget():
    chunks = chunk_segments(_segments(100), budget_tokens=300, first_budget_tokens=60)

    assert sum(estimate_tokens(segment["text"]) + 4 for segment in chunks[0]) <= 60
    assert len(chunks[1]) > 2 * len(chunks[0])
    assert [segment["id"] for chunk in chunks for segment in chunk] == list(range(100))

from appliance.llm import cleanup_outcome, word_overlap

SEGMENTS = [{"id": 0, "start": 0.0, "end": 2.5, "text": " hello everyone welcome to the meeting"},
            {"id": 1, "start": 2.5, "end": 5.0, "text": " lets start with the budget"},
            {"id": 2, "start": 5.0, "end": 7.5, "text": " any questions"}]  # fmt: skip


def test_corrected_lines_become_edits_of_the_same_segments():
    answer = "[0] Hello everyone, welcome to the meeting.\n[1] Let's start with the budget.\n[2] Any questions?"

    outcome = cleanup_outcome(SEGMENTS, answer)

    assert outcome.edits == [{"id": 0, "text": " Hello everyone, welcome to the meeting."},
                             {"id": 1, "text": " Let's start with the budget."},
                             {"id": 2, "text": " Any questions?"}]  # fmt: skip
    assert outcome.accepted and not outcome.flagged and not outcome.missing


def test_a_rewritten_line_is_flagged_and_not_taken():
    answer = "[0] Hello everyone, welcome to the meeting.\n[1] The quarterly numbers look great.\n[2] Any questions?"

    outcome = cleanup_outcome(SEGMENTS, answer)

    assert [edit["id"] for edit in outcome.edits] == [0, 2]
    assert outcome.flagged[0]["id"] == 1 and outcome.flagged[0]["proposal"] == "The quarterly numbers look great."
    assert not outcome.accepted, "drift is never accepted silently"


def test_lines_the_model_left_out_or_made_up_change_nothing():
    outcome = cleanup_outcome(SEGMENTS, "Sure! Here you go:\n[0] Hello everyone, welcome to the meeting.\n[7] Extra.")

    assert [edit["id"] for edit in outcome.edits] == [0]
    assert outcome.missing == [1, 2]


def test_overlap_ignores_case_and_punctuation_but_not_words():
    assert word_overlap(" lets start", "Lets start!") == 1.0
    assert word_overlap("one two three four", "one two") == 0.5
    assert word_overlap("", "") == 1.0

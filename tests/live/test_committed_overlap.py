"""A hypothesis that hears committed words again, however many and wherever their times drift,
never gets them committed a second time; word times of the committed stream only grow."""
from appliance.engine.live.committed_overlap import committed_overlap
from appliance.engine.live.window_decoder import _without_loop
from appliance.engine.live.local_agreement import LocalAgreement, Word, join_words


def words(text, start=0.0, step=0.4):
    return [Word(start + index * step, start + index * step + 0.3, " " + token) for index, token in enumerate(text.split())]


SENTENCE = "a pink shell was found on the sandy beach."


def test_a_whole_committed_sentence_heard_again_with_times_drifted_past_the_committed_end_is_dropped():
    committed = words(SENTENCE, start=10.0)  # ends at 13.5
    committed_end = committed[-1].end
    # Re-transcribed, the sentence came out 1.5 s late, followed by new words.
    again = words(SENTENCE + " the tide came in", start=11.5)
    assert committed_overlap(again, committed, buffer_start=9.8, committed_end=committed_end) == 9


def test_committed_words_heard_differently_are_matched_by_the_closest_text_and_then_by_time():
    committed = words("she bought fresh bread", start=5.0)
    again = words("she brought fresh red milk and apples", start=5.0)
    assert committed_overlap(again, committed, buffer_start=4.9, committed_end=committed[-1].end) == 4


def test_words_of_a_buffer_without_committed_audio_are_all_new():
    committed = words(SENTENCE, start=0.0)
    new = words("the tide came in", start=5.0)
    assert committed_overlap(new, committed, buffer_start=4.0, committed_end=committed[-1].end) == 0


def test_an_echo_of_the_prompt_is_dropped_but_a_short_real_repeat_is_not():
    committed = words(SENTENCE, start=0.0)
    echo = words("on the sandy beach. the tide came in", start=5.0)
    assert committed_overlap(echo, committed, buffer_start=4.0, committed_end=committed[-1].end) == 4
    said_again = words("beach. beach! said the child", start=5.0)
    assert committed_overlap(said_again, committed, buffer_start=4.0, committed_end=committed[-1].end) == 0


def test_words_aligned_to_zero_length_at_the_buffer_start_count_as_in_the_buffer():
    committed = [Word(24.2, 24.2, " The"), Word(24.2, 24.2, " children")]
    again = words("the children played in the park", start=24.2)
    assert committed_overlap(again, committed, buffer_start=24.2, committed_end=24.2) == 2


def test_the_agreement_never_commits_a_sentence_twice_and_keeps_committed_times_growing():
    agreement = LocalAgreement()
    committed = agreement.commit_final(words(SENTENCE, start=1.0), buffer_start=0.0)
    assert join_words(committed) == SENTENCE
    # The buffer still holds the sentence; two hypotheses re-hear it, drifted and then early.
    agreement.update(words(SENTENCE + " the tide", start=2.5), buffer_start=0.0)
    later = agreement.update(words(SENTENCE + " the tide came", start=0.5), buffer_start=0.0)
    assert join_words(later) == "the tide"
    assert later[0].start >= committed[-1].end
    assert join_words(agreement.commit_final(words(SENTENCE + " the tide came in.", start=1.0))) == "came in."


def test_a_sentence_said_twice_in_a_row_by_the_decoder_is_a_loop_and_kept_once():
    looping = words(f"{SENTENCE} {SENTENCE} {SENTENCE} a pink")
    assert join_words(_without_loop(looping)) == SENTENCE
    assert join_words(_without_loop(words("no no, not that one"))) == "no no, not that one"

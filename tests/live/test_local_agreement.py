"""LocalAgreement-2: commit what two consecutive hypotheses agree on, and nothing else."""
from appliance.engine.live.local_agreement import LocalAgreement, Word, join_words


def words(text, start=0.0, step=0.5):
    return [Word(start + index * step, start + index * step + 0.4, " " + token) for index, token in enumerate(text.split())]


def test_it_commits_only_the_prefix_two_hypotheses_agree_on():
    agreement = LocalAgreement()
    assert agreement.update(words("the quick brown")) == []
    committed = agreement.update(words("the quick brawn fox"))
    assert join_words(committed) == "the quick"
    assert join_words(agreement.unstable) == "brawn fox"


def test_case_and_punctuation_changes_do_not_block_agreement_and_the_newer_spelling_wins():
    agreement = LocalAgreement()
    agreement.update(words("Over the lazy dog."))
    committed = agreement.update(words("over the lazy dog, and"))
    assert join_words(committed) == "over the lazy dog,"


def test_committed_words_are_not_committed_again_when_the_buffer_is_transcribed_anew():
    agreement = LocalAgreement()
    agreement.update(words("one two three"))
    assert join_words(agreement.update(words("one two three four"))) == "one two three"
    # The buffer is transcribed again from its start: old words come back, the last committed
    # one ("three") even with a start after the committed end.
    again = [
        Word(0.05, 0.45, " one"), Word(0.55, 0.95, " two"), Word(1.35, 1.6, " three"),
        Word(1.65, 1.95, " four"), Word(2.05, 2.4, " five"),
    ]  # fmt: skip
    assert join_words(agreement.update(again)) == "four"
    assert join_words(agreement.unstable) == "five"


def test_commit_all_and_commit_until_take_unconfirmed_words_when_the_audio_is_complete():
    agreement = LocalAgreement()
    agreement.update(words("alpha beta gamma delta"))
    assert join_words(agreement.commit_until(1.0)) == "alpha beta"
    assert join_words(agreement.commit_all()) == "gamma delta"
    assert agreement.unstable == []


def test_a_final_hypothesis_is_committed_whole():
    agreement = LocalAgreement()
    agreement.update(words("good morning every"))
    assert join_words(agreement.commit_final(words("good morning everyone."))) == "good morning everyone."

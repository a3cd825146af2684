"""An English-only model (tiny.en) is English and transcription, whatever a form left over:
a request that asks it for another language or a translation is refused with the reason, and a
re-run that switches to it drops the old job's language and task instead of failing."""
import pytest

from appliance.jobs.request_options import InvalidJobOptions, JobOptions, english_only, parse_job_options

pytestmark = pytest.mark.django_db


def test_tiny_en_is_english_only_and_base_is_not():
    assert english_only("tiny.en") and not english_only("base")


def test_no_language_means_the_models_own_english():
    options = parse_job_options({"model": "tiny.en"})
    assert (options.language, options.task) == ("", "transcribe")


def test_another_language_is_refused_with_the_models_name_and_the_language_name():
    with pytest.raises(InvalidJobOptions, match="tiny.en only knows English: choose a multilingual model to transcribe German"):
        parse_job_options({"model": "tiny.en", "language": "de"})


def test_english_stays_allowed():
    assert parse_job_options({"model": "tiny.en", "language": "en"}).language == "en"


def test_a_rerun_moving_from_a_german_translation_to_tiny_en_keeps_nothing_it_cannot_do():
    german_translation = JobOptions("base", "de", "translate", 8, True, False, "")

    # The form's Language and Task were fixed (disabled) for tiny.en, so the browser sent neither.
    options = parse_job_options({"model": "tiny.en"}, defaults=german_translation)

    assert (options.model_name, options.language, options.task) == ("tiny.en", "", "transcribe")


def test_a_multilingual_model_keeps_the_language_it_was_given():
    assert parse_job_options({"model": "base", "language": "de"}).language == "de"

"""Transcription options from a form or API request, checked by the engine before any queueing."""
from dataclasses import dataclass

from django.conf import settings

from appliance.engine import EngineError, TranscriptionOptions, language_name
from appliance.engine.transcription_options import check_prompt
from appliance.jobs.available_models import available_model_names, available_models
from appliance.plumbing.env import FORM_FALSE_WORDS, FORM_TRUE_WORDS


class InvalidJobOptions(ValueError):
    """The options are unusable; the message says which and why (shown as is); field names the
    form field when one alone is at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass
class JobOptions:
    model_name: str
    language: str
    task: str
    batch_size: int
    vad: bool
    word_timestamps: bool
    initial_prompt: str
    diarize: bool = False
    speakers: int = None
    min_speakers: int = None
    max_speakers: int = None
    llm_cleanup: bool = False  # clean up with the LLM after transcription (appliance.jobs.transcript_llm)
    # Identical audio may be answered from a finished job (audio_cache); `cache=false` transcribes
    # afresh. A request's choice, not a fact of the job: never stored.
    use_cache: bool = True

    def as_fields(self):
        fields = dict(self.__dict__)
        del fields["use_cache"]
        return fields

    def engine_options(self):
        return TranscriptionOptions(
            model=self.model_name,
            language=self.language or None,
            task=self.task,
            batched=True,
            batch_size=self.batch_size,
            vad=self.vad,
            # Speakers are given word by word (a segment is split where the speaker changes).
            word_timestamps=self.word_timestamps or self.diarize,
            initial_prompt=self.initial_prompt or None,
            pipeline=settings.ENGINE_PIPELINE,
        )

    def diarization_options(self):
        from appliance.engine.speakers import DiarizationOptions

        return DiarizationOptions(self.speakers, self.min_speakers, self.max_speakers)


def _bool(data, name, default):
    value = data.get(name)
    if value is None:
        return default
    word = str(value).strip().lower()
    if word in FORM_TRUE_WORDS:
        return True
    if word in FORM_FALSE_WORDS or word == "":  # an unticked checkbox sends nothing
        return False
    raise InvalidJobOptions(f"{name} must be true or false, not {value!r}.")


def _int(data, name, default):
    value = data.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidJobOptions(f"{name} must be a whole number, not {value!r}.") from None


def english_only(model_name):
    """True for a model that hears only English (tiny.en, base.en, an imported English model)."""
    for status in available_models():
        if status.name == model_name:
            return not status.multilingual
    return model_name.endswith(".en")


def default_options():
    """What a job gets for every option its request leaves out (the panel's job defaults)."""
    from appliance.jobs.models import JobDefaults

    row = JobDefaults.current()
    return JobOptions(row.effective_model_name, row.language, "transcribe", row.batch_size, row.vad,
                      row.word_timestamps, "")


def default_model_name():
    from appliance.jobs.models import JobDefaults

    return JobDefaults.current().effective_model_name


def _language(data, base, model_name):
    if data.get("language") is not None:
        language = data.get("language")
    elif english_only(model_name):
        # A form whose Language was fixed to English for this model sends none: not the base's.
        language = ""
    else:
        language = base.language
    language = (language or "").strip().lower()
    return "" if language == "auto" else language


def parse_job_options(data, defaults=None):
    """data: a QueryDict or dict. defaults: a JobOptions to start from (re-run keeps the rest)."""
    base = defaults or default_options()
    model_name = (data.get("model") or base.model_name).strip()
    options = JobOptions(
        model_name=model_name,
        language=_language(data, base, model_name),
        task=(data.get("task") or ("transcribe" if english_only(model_name) else base.task)).strip(),
        batch_size=_int(data, "batch_size", base.batch_size),
        vad=_bool(data, "vad", base.vad),
        word_timestamps=_bool(data, "word_timestamps", base.word_timestamps),
        initial_prompt=(data.get("initial_prompt") if data.get("initial_prompt") is not None else base.initial_prompt)
        .strip(),
    )
    _speaker_options(options, data, base)
    options.llm_cleanup = _bool(data, "llm_cleanup", base.llm_cleanup)
    options.use_cache = _bool(data, "cache", True)
    try:
        options.engine_options().validate()
        options.diarization_options().validate()
    except EngineError as error:
        raise InvalidJobOptions(str(error)) from None
    if options.model_name not in available_model_names():
        raise InvalidJobOptions(
            f"The model {options.model_name!r} is not installed on this appliance: "
            f"choose one of {', '.join(available_model_names())}."
        )
    if english_only(options.model_name):
        if options.task == "translate":
            raise InvalidJobOptions(
                f"{options.model_name} only knows English and cannot translate: choose a multilingual model."
            )
        if options.language not in ("", "en"):
            raise InvalidJobOptions(
                f"{options.model_name} only knows English: choose a multilingual model to transcribe "
                f"{language_name(options.language).capitalize()}."
            )
    try:
        check_prompt(options.initial_prompt, _model_directory(options.model_name))
    except EngineError as error:
        raise InvalidJobOptions(str(error), field="initial_prompt") from None
    return options


def _model_directory(name):
    return next((status.path for status in available_models() if status.name == name and status.path), None)


SPEAKER_COUNT_FIELDS = ("speakers", "min_speakers", "max_speakers")


def _speaker_options(options, data, base):
    """diarize plus the counts; a count alone asks for diarization, diarize=false drops the counts."""
    counts = {name: _int(data, name, None) for name in SPEAKER_COUNT_FIELDS}
    asked = data.get("diarize")
    options.diarize = _bool(data, "diarize", base.diarize) or (asked is None and any(v is not None for v in counts.values()))
    for name in SPEAKER_COUNT_FIELDS:
        value = counts[name] if any(v is not None for v in counts.values()) else getattr(base, name)
        setattr(options, name, value if options.diarize else None)


def options_of(job):
    return JobOptions(
        job.model_name, job.language, job.task, job.batch_size, job.vad, job.word_timestamps, job.initial_prompt,
        job.diarize, job.speakers, job.min_speakers, job.max_speakers, job.llm_cleanup,
    )

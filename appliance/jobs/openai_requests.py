"""Read an OpenAI `audio/transcriptions` or `audio/translations` form into job options.

Every refusal names the form field it is about (OpenAI's `param`), so client libraries can
point at the culprit. Model names are the appliance's own, plus `whisper-1` for the default.
"""
import time
from dataclasses import dataclass

from appliance.engine import LANGUAGE_NAMES
from appliance.jobs.available_models import available_models
from appliance.jobs.request_options import InvalidJobOptions, default_model_name, parse_job_options
from appliance.plumbing.env import FORM_TRUE_WORDS

OPENAI_DEFAULT_MODEL = "whisper-1"
RESPONSE_FORMATS = ("json", "text", "srt", "vtt", "verbose_json", "diarized_json")
SPEAKER_FIELDS = ("speakers", "min_speakers", "max_speakers")
GRANULARITIES = ("segment", "word")
# Listing the models reads every model's tokenizer from disk (~0.1 s); the list changes only
# when an admin installs or deletes a model, so a few seconds of staleness are harmless.
MODELS_CACHE_SECONDS = 10
_models_cache = {"at": 0.0, "models": None}


class OpenAIRequestError(Exception):
    def __init__(self, message, param=None, code=None, status=400):
        super().__init__(message)
        self.param = param
        self.code = code
        self.status = status


@dataclass
class OpenAIRequest:
    response_format: str
    options: object  # appliance.jobs.request_options.JobOptions (model, task, language, ...)


def installed_models():
    """ModelStatus of every model a job may use, cached for MODELS_CACHE_SECONDS."""
    now = time.monotonic()
    if _models_cache["models"] is None or now - _models_cache["at"] > MODELS_CACHE_SECONDS:
        _models_cache.update(at=now, models=available_models())
    return _models_cache["models"]


def model_for(requested, task, language=""):
    """The appliance model a request's `model` names. `whisper-1` is the default model; for a
    translation or another language than English an English-only default gives way to the first
    installed multilingual model, because OpenAI clients send whisper-1 whatever they ask."""
    models = {status.name: status for status in installed_models()}
    requested = (requested or "").strip() or OPENAI_DEFAULT_MODEL
    if requested != OPENAI_DEFAULT_MODEL:
        if requested not in models:
            raise OpenAIRequestError(
                f"The model {requested!r} does not exist on this appliance: use {OPENAI_DEFAULT_MODEL} "
                f"or one of {', '.join(models) or '(no model is installed)'}.",
                param="model",
                code="model_not_found",
            )
        return requested
    default = default_model_name()
    if default not in models:
        raise OpenAIRequestError(
            f"{OPENAI_DEFAULT_MODEL} stands for the default model {default}, which is not installed: "
            f"name one of {', '.join(models) or '(no model is installed)'}.",
            param="model",
            code="model_not_found",
        )
    needs_multilingual = task == "translate" or language not in ("", "auto", "en")
    if needs_multilingual and not models[default].multilingual:
        multilingual = [name for name, status in models.items() if status.multilingual]
        if not multilingual:
            raise OpenAIRequestError(
                f"{'Translation' if task == 'translate' else 'A language other than English'} needs a "
                "multilingual model and none is installed: an administrator can install one (for example "
                "base) in the panel.",
                param="model",
                code="model_not_found",
            )
        return multilingual[0]
    return default


def _choice(data, name, allowed, default):
    value = (data.get(name) or default).strip()
    if value not in allowed:
        raise OpenAIRequestError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.", param=name)
    return value


def _check_temperature(data):
    value = data.get("temperature")
    if value in (None, ""):
        return
    try:
        number = float(value)
    except ValueError:
        raise OpenAIRequestError(f"temperature must be a number from 0 to 1, not {value!r}.", param="temperature") from None
    if not 0.0 <= number <= 1.0:
        raise OpenAIRequestError(f"temperature must be from 0 to 1, not {number}.", param="temperature")


def _granularities(data, response_format):
    values = data.getlist("timestamp_granularities[]") + data.getlist("timestamp_granularities")
    unknown = [value for value in values if value not in GRANULARITIES]
    if unknown:
        raise OpenAIRequestError(
            f"timestamp_granularities[] accepts {' and '.join(GRANULARITIES)}, not {', '.join(map(repr, unknown))}.",
            param="timestamp_granularities[]",
        )
    if values and response_format != "verbose_json":
        raise OpenAIRequestError(
            "timestamp_granularities[] needs response_format=verbose_json (the other formats carry no word times).",
            param="timestamp_granularities[]",
        )
    return sorted(set(values), key=GRANULARITIES.index)


def _culprit(message, task):
    for name in (*SPEAKER_FIELDS, "diarize"):
        if message.startswith(name):
            return name
    return "model" if task == "translate" else "language"


def parse_openai_request(data, task):
    """data: request.POST. Returns an OpenAIRequest or raises OpenAIRequestError."""
    if str(data.get("stream", "")).strip().lower() in FORM_TRUE_WORDS:
        raise OpenAIRequestError("Streaming responses are not supported: leave stream unset.", param="stream")
    response_format = _choice(data, "response_format", RESPONSE_FORMATS, "json")
    granularities = _granularities(data, response_format)
    # Checked so that a wrong value is refused, but jobs decode greedily (temperature 0, the
    # batched pipeline's only one): a job has no temperature of its own to carry it yet.
    _check_temperature(data)
    language = (data.get("language") or "").strip().lower()
    if language and language != "auto" and language not in LANGUAGE_NAMES:
        raise OpenAIRequestError(
            f"Unknown language {language!r}: use an ISO-639-1 code such as en, de or fr.", param="language"
        )
    model_name = model_for(data.get("model"), task, language)
    form = {
        "model": model_name,
        "language": language,
        "task": task,
        "word_timestamps": "true" if "word" in granularities else "false",
        "initial_prompt": data.get("prompt") or "",
        # OpenAI's diarizing model answers diarized_json; here any model can, and verbose_json
        # carries speaker fields when the form says diarize=true.
        "diarize": "true" if response_format == "diarized_json" else (data.get("diarize") or "false"),
        **{name: data.get(name) for name in SPEAKER_FIELDS if data.get(name) not in (None, "")},
    }
    try:
        options = parse_job_options(form)
    except InvalidJobOptions as problem:
        # By now model and language are known to exist, so what is left is their combination
        # (an English-only model asked to translate or to hear another language), the prompt or the
        # speaker options.
        param = "prompt" if problem.field == "initial_prompt" else _culprit(str(problem), task)
        raise OpenAIRequestError(str(problem), param=param) from None
    return OpenAIRequest(response_format, options)

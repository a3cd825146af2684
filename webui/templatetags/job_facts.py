"""What the job page says about how a job was run: task, language, model, prompt and options,
so two runs of one file can be told apart."""
from django import template

from appliance.engine import language_name
from appliance.jobs.request_options import english_only

register = template.Library()

TASK_LABELS = {"transcribe": "Transcribe", "translate": "Translate to English"}


def language_fact(job):
    detected = language_name(job.detected_language).capitalize()
    if english_only(job.model_name):
        return "English (the model knows only English)"
    if job.language:
        return language_name(job.language).capitalize()
    return f"{detected} (detected)" if detected else "Detect automatically"


def options_fact(job, show_engine_options):
    words = ["word timestamps" if job.word_timestamps else "no word timestamps"]
    if show_engine_options:
        words += ["skip silence (VAD)" if job.vad else "silence kept (no VAD)", f"batch size {job.batch_size}"]
    text = ", ".join(words)
    return text[0].upper() + text[1:]


@register.simple_tag
def job_run_facts(job, user):
    """[(label, text)] for the options the job ran (or will run) with."""
    model = job.model_used or job.model_name
    if job.device_used:
        model += f" on {job.device_used}" + (f" ({job.compute_type_used})" if job.compute_type_used else "")
    facts = [
        ("Task", TASK_LABELS.get(job.task, job.task)),
        ("Language", language_fact(job)),
        ("Model", model),
        ("Options", options_fact(job, getattr(user, "is_admin", False))),
    ]
    if job.initial_prompt:
        facts.append(("Prompt", job.initial_prompt))
    return facts


@register.simple_tag
def job_queue_estimate(job):
    """The queue position and rough finish time of a queued job, None otherwise."""
    from appliance.jobs.queue_estimate import estimate

    return estimate(job)


@register.filter
def segment_words(segments):
    """[[start, end, word], ...] per segment, for the player's word highlight (empty lists when
    the job ran without word timestamps)."""
    return [
        [[round(word["start"], 3), round(word["end"], 3), word["word"]] for word in (segment.get("words") or [])]
        for segment in segments
    ]

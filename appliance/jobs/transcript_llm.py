"""LLM actions on a job's transcript: clean-up (a new transcript revision with the same segments and
timestamps), summary, action items and the admin's own prompt. One run is a series of steps (one per
chunk that fits the model's context, and for text tasks over several chunks a last step joining
their answers), streamed as events:

    start {action, steps} · progress {step, steps} · token {text} · done {...} · error {message} · cancelled

The original transcript is never lost: a clean-up is saved as an edit on top of the revision it read
(refused if someone saved meanwhile), lines that drifted from what was said are flagged and left as
they were, and every earlier revision can be restored."""
import time

from django.utils import timezone

from appliance.jobs import revisions
from appliance.jobs.models import Status, Transcription
from appliance.llm import TASKS, LLMCancelled, LLMError, chunk_segments, cleanup_messages, cleanup_outcome, text_task_messages
from appliance.llm.chunking import cleanup_budget
from appliance.llm.endpoint import StreamFigures
from appliance.metrics import llm_metrics
from appliance.panel import llm_settings

ACTIONS = ("cleanup", "summary", "action_items", "custom")
INSTRUCTIONS_TOKENS = 400
# A clean-up streams its own chunks' lines, so its first chunk is kept short: on a CPU the model reads
# about 500 tokens a second before it writes, and the first words should show within a second or two.
FIRST_CLEANUP_CHUNK_TOKENS = 160
JOIN_INSTRUCTIONS = ("The transcript below is made of the answers you gave for consecutive parts of one recording. "
                     "Join them into one answer of the same kind, without repeating yourself.")  # fmt: skip


class ActionRefused(ValueError):
    """The action cannot run on this job (now); the message says why."""


def check_action(job, action):
    """The LLM settings row for running `action` on `job`; ActionRefused or LLMDisabled otherwise."""
    if action not in ACTIONS:
        raise ActionRefused(f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.")
    _, row = llm_settings.endpoint()
    if action == "custom" and not row.custom_prompt.strip():
        raise ActionRefused("No custom prompt is set up: an admin writes one under Panel → LLM.")
    if job.status != Status.DONE or not job.result:
        raise ActionRefused(revisions.NOT_READY)
    return row


def action_events(job_id, user, action, cancel):
    """Yield the events of one run (see the module docstring). Blocking: run it in a thread."""
    job = Transcription.objects.get(pk=job_id)
    try:
        endpoint, row = llm_settings.endpoint()
        yield from _run(job, user, action, endpoint, row, cancel)
    except LLMCancelled:
        llm_metrics.record_outcome(action, "cancelled")
        yield {"event": "cancelled"}
    except (LLMError, llm_settings.LLMDisabled, ActionRefused, revisions.StaleRevision,
            revisions.TranscriptNotReady) as problem:  # fmt: skip
        llm_metrics.record_outcome(action, "failed")
        yield {"event": "error", "message": str(problem)}


def _run(job, user, action, endpoint, row, cancel):
    base = revisions.current_revision(job)
    segments = job.result["segments"]
    if action == "cleanup":
        chunks = chunk_segments(segments, cleanup_budget(row.context_tokens, row.max_tokens, INSTRUCTIONS_TOKENS),
                                first_budget_tokens=FIRST_CLEANUP_CHUNK_TOKENS)
    else:
        chunks = chunk_segments(segments, max(256, row.context_tokens - row.max_tokens - INSTRUCTIONS_TOKENS))
    steps = len(chunks) + (1 if action != "cleanup" and len(chunks) > 1 else 0)
    yield {"event": "start", "action": action, "steps": steps, "revision": base.number}
    answers, figures = [], []
    for number, chunk in enumerate(chunks, start=1):
        yield {"event": "progress", "step": number, "steps": steps}
        messages = cleanup_messages(chunk) if action == "cleanup" else text_task_messages(
            _instructions(action, row), revisions.full_text({"segments": chunk}))
        answers.append((yield from _stream(endpoint, row, messages, cancel, figures, action)))
    if action == "cleanup":
        done = _save_cleanup(job, user, base.number, chunks, answers)
    else:
        text = answers[0]
        if len(answers) > 1:
            yield {"event": "progress", "step": steps, "steps": steps}
            joined = "\n\n".join(answers)
            text = yield from _stream(endpoint, row, text_task_messages(f"{JOIN_INSTRUCTIONS}\n{_instructions(action, row)}",
                                                                        joined), cancel, figures, action)  # fmt: skip
        done = {"text": text.strip()}
    done.update(action=action, model=row.model, first_token_seconds=figures[0].first_token_seconds,
                tokens=sum(step.tokens for step in figures), at=timezone.now().isoformat())  # fmt: skip
    _remember(job.pk, action, done)
    llm_metrics.record_outcome(action, "done")
    yield {"event": "done", **done}


def _instructions(action, row):
    return row.custom_prompt.strip() if action == "custom" else TASKS[action]


def _stream(endpoint, row, messages, cancel, figures, action):
    step = StreamFigures()
    figures.append(step)
    pieces = []
    started = time.perf_counter()
    for piece in endpoint.stream_chat(row.model, messages, max_tokens=row.max_tokens, cancel=cancel, figures=step):
        pieces.append(piece)
        yield {"event": "token", "text": piece}
    llm_metrics.record_stream(action, step, time.perf_counter() - started)
    return "".join(pieces)


def _save_cleanup(job, user, base_number, chunks, answers):
    edits, flagged, missing = [], [], []
    for chunk, answer in zip(chunks, answers):
        outcome = cleanup_outcome(chunk, answer)
        edits += outcome.edits
        flagged += outcome.flagged
        missing += outcome.missing
    revision = None
    if edits:
        revision, _ = revisions.save_edit(job, user, base_number, edits)
    return {"revision": revision.number if revision else None, "edits": len(edits), "flagged": flagged,
            "missing": missing}  # fmt: skip


def _remember(job_id, action, done):
    job = Transcription.objects.filter(pk=job_id).only("llm_outputs").first()
    if job is not None:
        Transcription.objects.filter(pk=job_id).update(llm_outputs={**job.llm_outputs, action: done})


def clean_up_after_transcription(job_id):
    """The upload option: clean the finished transcript up, or say why not (skip list, no LLM), in
    job.llm_outputs["cleanup"], which the job page shows."""
    from appliance.panel.models import LLMSettings

    job = Transcription.objects.filter(pk=job_id).select_related("owner").first()
    if job is None or job.status != Status.DONE:
        return  # deleted, or a rerun took over meanwhile
    row = LLMSettings.current()
    reason = "no LLM is set up (Panel → LLM)" if not row.enabled else row.cleanup_skip_reason(job.model_used or job.model_name)
    if reason:
        _remember(job.pk, "cleanup", {"action": "cleanup", "skipped": reason, "at": timezone.now().isoformat()})
        return
    for event in action_events(job.pk, job.owner, "cleanup", cancel=None):
        if event["event"] == "error":
            _remember(job.pk, "cleanup", {"action": "cleanup", "error": event["message"], "at": timezone.now().isoformat()})

"""Jobs as JSON: the same shapes for the API, the WebSocket pushes and the pages' scripts."""
from django.urls import reverse


def _iso(moment):
    return moment.isoformat() if moment else None


def job_options(job):
    return {
        "model": job.model_name,
        "language": job.language or None,
        "task": job.task,
        "batch_size": job.batch_size,
        "vad": job.vad,
        "word_timestamps": job.word_timestamps,
        "initial_prompt": job.initial_prompt or None,
        "diarize": job.diarize,
        "speakers": job.speakers,
        "min_speakers": job.min_speakers,
        "max_speakers": job.max_speakers,
        "llm_cleanup": job.llm_cleanup,
    }


def job_summary(job):
    return {
        "id": str(job.public_id),
        "name": job.original_name,
        "owner": job.owner.get_username() if job.owner_id else None,
        "owner_id": job.owner_id,
        "status": job.status,
        "progress": round(job.progress, 4),
        "error": job.error_message or None,
        "size_bytes": job.size_bytes,
        "duration_seconds": job.duration_seconds,
        "options": job_options(job),
        "detected_language": job.detected_language or None,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "processing_seconds": job.processing_seconds,
        "real_time_factor": job.real_time_factor,
        "model_used": job.model_used or None,
        "device_used": job.device_used or None,
        "attempts": job.attempts,
        # Answered at once from the transcript of an identical upload (appliance.jobs.audio_cache).
        "from_cache": job.cached_from_id is not None,
        "url": reverse("webui:job", args=[job.public_id]),
        "api_url": reverse("jobs-api:detail", args=[job.public_id]),
    }


def job_detail(job):
    from appliance.jobs import partial_transcript, queue_estimate
    from appliance.jobs.models import Status

    data = job_summary(job)
    data["result"] = job.result
    # A rerun is on its way and the transcript before it still downloads until it is done.
    data["previous_transcript_kept"] = bool(job.previous_run) and not job.is_finished
    waiting = queue_estimate.estimate(job)
    data["queue"] = waiting.to_dict() if waiting else None
    # While it runs: the segments so far (a page opened mid-run, or polling without WebSocket).
    data["partial_segments"] = partial_transcript.read(job.pk) if job.status == Status.RUNNING else []
    if job.result and "text" not in job.result:
        # A saved edit drops the stored full text instead of rewriting it (appliance.jobs.result_segments).
        from appliance.jobs.revisions import full_text

        data["result"] = {**job.result, "text": full_text(job.result)}
    data["speaker_names"] = job.speaker_names or {}
    # The last LLM answers; a clean-up asked for at upload says here when it was skipped and why.
    data["llm_outputs"] = job.llm_outputs or {}
    # Speaker detection that failed leaves the transcript and says why here.
    data["warning"] = ((job.transcript or {}).get("diarization") or {}).get("warning")
    return data


def refused_file(name, message):
    return {"file": name, "error": message}

"""Actions on several jobs at once: their transcripts as one ZIP, or deleting them.

Only jobs the user may see take part; ids that name no such job are reported back, never guessed."""
import re
import tempfile
import uuid
import zipfile

from appliance.accounts.permissions import visible_jobs
from appliance.jobs import services
from appliance.jobs.models import Transcription

MAX_JOBS = 500
# Kept in memory up to this size, then spooled to a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024


class BulkRefused(ValueError):
    """The request names no usable jobs or formats; the message says why."""


def selected_jobs(user, ids):
    """(jobs in the order given, ids that are no job of this user's)."""
    parsed, unknown = [], []
    for value in ids:
        try:
            parsed.append(uuid.UUID(str(value)))
        except ValueError:
            unknown.append(str(value))
    if not parsed and not unknown:
        raise BulkRefused("Select one job or more.")
    if len(parsed) + len(unknown) > MAX_JOBS:
        raise BulkRefused(f"Select at most {MAX_JOBS} jobs at once.")
    found = {job.public_id: job for job in visible_jobs(user, Transcription.objects.filter(public_id__in=parsed))}
    unknown += [str(public_id) for public_id in parsed if public_id not in found]
    return [found[public_id] for public_id in dict.fromkeys(parsed) if public_id in found], unknown


def transcripts_zip(jobs, formats):
    """A temporary file holding a ZIP of each job's current transcript in each format, plus a list of
    the selected jobs that have no transcript (so nothing is left out silently)."""
    from appliance.engine import EXPORT_FORMATS, TranscriptionResult, export_result

    unknown = [fmt for fmt in formats if fmt not in EXPORT_FORMATS]
    if unknown or not formats:
        raise BulkRefused(f"Choose formats from {', '.join(EXPORT_FORMATS)}.")
    archive_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    skipped = []
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for job in jobs:
            if not job.transcript:  # (a rerun's kept transcript counts: it is what downloads now)
                skipped.append(f"{job.original_name} ({job.public_id}): {job.get_status_display().lower()}, no transcript")
                continue
            result = TranscriptionResult.from_dict(job.transcript)
            for fmt in formats:
                archive.writestr(_member_name(job, fmt), export_result(result, fmt))
        if skipped:
            archive.writestr("not-included.txt", "Selected jobs without a transcript:\n" + "\n".join(skipped) + "\n")
    archive_file.seek(0)
    return archive_file


def _member_name(job, fmt):
    # The job's own download name (unique: it carries the start of the job id), as a plain file name:
    # no folders, nothing an unzip tool could put outside its target.
    return re.sub(r"[\\/:\x00-\x1f]", "_", job.download_name(fmt)).lstrip(".") or f"transcript.{fmt}"


def delete_jobs(jobs):
    for job in jobs:
        services.delete(job)
    return [str(job.public_id) for job in jobs]

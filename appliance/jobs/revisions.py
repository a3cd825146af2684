"""Versions of a job's transcript: the machine transcript, every save, every restore.

The highest revision is the current one and job.result always holds its segments, so exports, the
API and the page never reconstruct anything. Reconstruction (of an older revision) starts from the
nearest full snapshot at or before it and applies the edits after it.

Optimistic lock: an edit names the revision it was made on; when that is no longer the current one,
someone else saved meanwhile and the edit is refused with the newer revision (StaleRevision). The
job row is locked first (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL), and the
unique (job, number) constraint refuses a second "next" revision should two saves still meet.
"""
from django.db import IntegrityError, transaction

from appliance.jobs import result_segments, search
from appliance.jobs.models import RevisionKind, Transcription, TranscriptRevision
from appliance.jobs.segment_edits import InvalidEdit, edited_segment

__all__ = [
    "InvalidEdit",
    "StaleRevision",
    "TranscriptNotReady",
    "UnknownRevision",
    "current_revision",
    "record_machine_transcript",
    "restore",
    "save_edit",
    "segments_at",
]  # fmt: skip


class TranscriptNotReady(Exception):
    """The job has no transcript (yet, or any more), or it cannot change while a rerun works."""


NOT_READY = "The transcript is not ready: the job has not finished successfully."
RERUN_RUNNING = "A new run of this job is on its way: the transcript can change again when it is done."


def _not_ready(job):
    return TranscriptNotReady(RERUN_RUNNING if job.previous_run else NOT_READY)


class UnknownRevision(LookupError):
    pass


class StaleRevision(Exception):
    """The edit was made on an older revision than the current one."""

    def __init__(self, current):
        super().__init__(
            f"The transcript was changed meanwhile (now revision {current.number}"
            f"{' by ' + current.author.get_username() if current.author_id else ''}): reload it and edit again."
        )
        self.current = current


def record_machine_transcript(job):
    """A finished transcription (first run, rerun or saved live session) becomes the next revision.

    Idempotent: saving the row again with the same result adds nothing (a restored previous result
    after a cancelled rerun, for one, is already a revision)."""
    segments = _with_unique_ids(job, job.transcript)
    latest = _latest(job)
    if latest is not None and segments_at(job, latest.number) == segments:
        return latest
    revision = TranscriptRevision.objects.create(
        job=job, number=latest.number + 1 if latest else 1, kind=RevisionKind.MACHINE, segments=segments
    )
    search.index_job(job)
    return revision


def _with_unique_ids(job, transcript):
    segments = transcript.get("segments") or []
    # The editor and the API address segments by id, and a save finds a segment at the position its id
    # names (result_segments). The engine numbers segments so; a result from elsewhere is renumbered.
    if any(segment.get("id") != position for position, segment in enumerate(segments)):
        for position, segment in enumerate(segments):
            segment["id"] = position
        if transcript is job.result:  # (a rerun's kept transcript is renumbered when it comes back)
            Transcription.objects.filter(pk=job.pk).update(result=job.result)
    return segments


def _latest(job):
    # Without its snapshot: a machine transcript of hours is megabytes, and only its number is needed here.
    revisions = TranscriptRevision.objects.filter(job=job).select_related("author").defer("segments")
    return revisions.order_by("-number").first()


def current_revision(job):
    """The current revision; a job finished before revisions existed gets its revision 1 now.
    While a rerun works, the kept transcript's revision is current (job.transcript)."""
    if not job.transcript:
        raise _not_ready(job)
    latest = _latest(job)
    if latest is None:
        try:
            with transaction.atomic():
                latest = record_machine_transcript(Transcription.objects.select_for_update().get(pk=job.pk))
        except IntegrityError:
            latest = _latest(job)  # another request recorded it first
    return latest


def segments_at(job, number):
    """The segments of revision `number` of `job`."""
    snapshot = (
        TranscriptRevision.objects.filter(job=job, number__lte=number, segments__isnull=False).order_by("-number").first()
    )
    if snapshot is None:
        raise UnknownRevision(f"The transcript has no revision {number}.")
    segments = snapshot.segments
    edits = TranscriptRevision.objects.filter(job=job, number__gt=snapshot.number, number__lte=number).order_by("number")
    for changes in edits.values_list("changes", flat=True):
        changed = {segment["id"]: segment for segment in changes or ()}
        segments = [changed.get(segment["id"], segment) for segment in segments]
    return segments


def save_edit(job, user, base_number, edits):
    """Apply edits ([{"id", "text"?, "speaker"?}]) made on revision base_number.

    Returns (revision, changed segments); no new revision when nothing changed. Raises StaleRevision,
    InvalidEdit or TranscriptNotReady. Only the edited segments travel between the database and Python
    (result_segments), so a save costs the same for a transcript of a minute or of four hours."""
    with transaction.atomic():
        locked = Transcription.objects.select_for_update().defer("result").get(pk=job.pk)
        latest = _latest(locked)
        if latest is None:  # a job finished before revisions existed gets its revision 1 now
            if not locked.result:
                raise _not_ready(locked)
            latest = record_machine_transcript(locked)
        if base_number != latest.number:
            raise StaleRevision(latest)
        stored = result_segments.read(locked.pk, [edit["id"] for edit in edits])
        if stored is None:
            return _save_edit_to_whole_result(locked, user, latest, edits)
        changed = _apply(stored, edits)
        if not changed:
            return latest, []
        revision = _create_next(locked, latest, kind=RevisionKind.EDIT, author=user, changes=list(changed.values()))
        result_segments.write(locked.pk, changed)
        search.index_rows(locked.pk, locked.owner_id, changed)
    return revision, list(changed.values())


def _save_edit_to_whole_result(locked, user, latest, edits):
    """The general path, for a result whose segment ids are not their positions (or that is missing)."""
    if not locked.result:
        raise _not_ready(locked)
    segments = locked.result["segments"]
    positions = {segment["id"]: position for position, segment in enumerate(segments)}
    unknown = [edit["id"] for edit in edits if edit["id"] not in positions]
    if unknown:
        raise InvalidEdit(f"The transcript has no segment with id {unknown[0]!r}.")
    changed = _apply({edit["id"]: segments[positions[edit["id"]]] for edit in edits}, edits)
    if not changed:
        return latest, []
    revision = _create_next(locked, latest, kind=RevisionKind.EDIT, author=user, changes=list(changed.values()))
    for segment_id, segment in changed.items():
        segments[positions[segment_id]] = segment
    _store_result(locked)
    search.index_rows(locked.pk, locked.owner_id, {positions[segment_id]: segment for segment_id, segment in changed.items()})
    return revision, list(changed.values())


def _apply(segments_by_id, edits):
    """{id: edited segment} for the segments these edits really change."""
    changed = {}
    for edit in edits:
        original = segments_by_id[edit["id"]]
        current = changed.get(edit["id"], original)
        if "speaker" in edit and "speaker" not in original:
            raise InvalidEdit("This transcript has no speakers: run it again with speaker detection first.")
        updated = edited_segment(current, text=edit.get("text"), speaker=edit.get("speaker"), set_speaker="speaker" in edit)
        if updated != original:
            changed[edit["id"]] = updated
        else:
            changed.pop(edit["id"], None)
    return changed


def _create_next(job, latest, **fields):
    try:
        with transaction.atomic():
            return TranscriptRevision.objects.create(job=job, number=latest.number + 1, **fields)
    except IntegrityError:
        raise StaleRevision(_latest(job)) from None


def _store_result(job):
    job.result["text"] = full_text(job.result)
    Transcription.objects.filter(pk=job.pk).update(result=job.result)


def full_text(result):
    """The transcript as one string, as TranscriptionResult.text makes it."""
    return "".join(segment.get("text", "") for segment in result.get("segments") or ()).strip()


def restore(job, user, number):
    """Make revision `number` the current transcript again, as a new revision (history is never rewritten)."""
    current_revision(job)
    with transaction.atomic():
        locked = Transcription.objects.select_for_update().get(pk=job.pk)
        if not locked.result:
            raise _not_ready(locked)
        latest = _latest(locked)
        segments = segments_at(locked, number)
        if number == latest.number:
            return latest
        revision = _create_next(locked, latest, kind=RevisionKind.RESTORE, author=user, segments=segments,
                                restored_from=number)  # fmt: skip
        locked.result["segments"] = segments
        _store_result(locked)
        search.index_job(locked)
    return revision

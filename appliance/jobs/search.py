"""Full-text search across the transcripts a user may see (staff their own, admins all).

The index follows every job's current transcript: a finished transcription or a restore indexes
the whole job, an edit re-indexes the segments it changed, a deleted job leaves it (signals.py and
revisions.py call in here, in the same transaction as the change, so the index is never behind).

Results come newest job first, a page of jobs at a time, each with its first matching segments;
the next page starts below the last job shown (a cursor, not an offset, so page 50 is as fast as page 1).
"""
from collections import deque
from dataclasses import dataclass, field

from django.db import connection

from appliance.accounts.permissions import is_admin, visible_jobs
from appliance.jobs.search_backends import (
    TABLE,
    backend,
    first_row_id,
    insert_parameters,
    job_of_row,
)
from appliance.jobs.search_text import (
    InvalidQuery,
    highlight_ranges,
    parse_query,
    without_diacritics,
)

__all__ = ["InvalidQuery", "JobHits", "SearchHit", "SearchPage", "index_job", "index_rows", "remove_job", "search"]

JOBS_PER_PAGE = 20
HITS_PER_JOB = 3
NO_UPPER_BOUND = 1 << 62
# Row ids read per query, and the matches of one job after which the rest of it is skipped.
IDS_PER_READ = 5000
ROWS_PER_FETCH = 50
SKIP_AFTER_HITS = 40


@dataclass
class SearchHit:
    segment_id: int
    start: float
    text: str
    highlights: list

    def to_dict(self):
        return {"segment_id": self.segment_id, "start": self.start, "text": self.text,
                "highlights": [list(span) for span in self.highlights]}  # fmt: skip


@dataclass
class JobHits:
    job: object
    hits: list = field(default_factory=list)
    more: bool = False  # the job has more matching segments than shown


@dataclass
class SearchPage:
    query: str
    results: list
    next_before: int = None  # pass as `before` for the next page; None on the last page


def search(user, query, before=None, jobs_per_page=JOBS_PER_PAGE, hits_per_job=HITS_PER_JOB):
    """A page of jobs whose current transcript matches `query`; raises InvalidQuery."""
    from appliance.jobs.models import Transcription

    terms = parse_query(query)
    owner_id = None if is_admin(user) else user.pk
    index = backend()
    # Walk the matching row ids newest first (ids only: cheap, and a prefix is expanded once), keeping
    # per job the last ids seen, which are its first matches in the transcript. A job that matches in
    # very many segments is cut short: its first matches are asked for directly and the walk goes on
    # below it, so a word said in every segment does not read every segment of twenty jobs.
    first_hits, counts, has_more = {}, {}, False
    with connection.cursor() as cursor:
        stream = _matching_ids(index, terms, owner_id, first_row_id(before) if before else NO_UPPER_BOUND)
        while (row_id := next(stream, None)) is not None:
            job_pk = job_of_row(row_id)
            if job_pk not in first_hits:
                if len(first_hits) == jobs_per_page:
                    has_more = True
                    break
                first_hits[job_pk], counts[job_pk] = deque(maxlen=hits_per_job), 0
            first_hits[job_pk].append(row_id)
            counts[job_pk] += 1
            if counts[job_pk] == SKIP_AFTER_HITS:
                cursor.execute(*index.select_first_ids(terms, first_row_id(job_pk), row_id, hits_per_job))
                first_hits[job_pk].extend(reversed([row[0] for row in cursor.fetchall()]))
                stream.close()
                stream = _matching_ids(index, terms, owner_id, first_row_id(job_pk))
        stream.close()
        wanted = [row_id for hits in first_hits.values() for row_id in hits]
        rows = {}
        if wanted:
            cursor.execute(*index.select_rows(wanted))
            rows = {row[0]: row for row in cursor.fetchall()}
    jobs = visible_jobs(user, Transcription.objects.filter(pk__in=first_hits).select_related("owner").defer("result"))
    jobs_by_pk = {job.pk: job for job in jobs}
    results = [
        JobHits(job=jobs_by_pk[job_pk], hits=[_hit(rows[row_id], terms) for row_id in sorted(ids) if row_id in rows],
                more=counts[job_pk] > hits_per_job)
        for job_pk, ids in first_hits.items() if job_pk in jobs_by_pk
    ]  # fmt: skip
    return SearchPage(query=query, results=results, next_before=list(first_hits)[-1] if has_more else None)


def _matching_ids(index, terms, owner_id, below):
    """Ids of matching rows below `below`, highest first, read as they are used: SQLite steps its
    query only as far as the caller reads (a search stops reading after a page of jobs)."""
    with connection.cursor() as cursor:
        while True:
            cursor.execute(*index.select_ids(terms, owner_id, below, IDS_PER_READ))
            count = 0
            while rows := cursor.fetchmany(ROWS_PER_FETCH):
                for (row_id,) in rows:
                    count += 1
                    yield row_id
            if count < IDS_PER_READ:
                return
            below = row_id


def _hit(row, terms):
    _, segment_id, start, body, original = row
    text = original if original is not None else body
    return SearchHit(segment_id, start, text, highlight_ranges(text, terms))


def index_job(job):
    """(Re-)index every segment of the job's current transcript."""
    index_rows(job.pk, job.owner_id, dict(enumerate((job.result or {}).get("segments") or [])), replace_all=True)


def index_rows(job_pk, owner_id, segments_by_position, replace_all=False, using=None):
    """Replace the rows of these segments ({position: segment}) with their current text, or every row
    of the job with replace_all. Takes plain values, so the migration that indexes existing jobs can too."""
    db = using or connection
    index = backend(db)
    rows = []
    for position, segment in segments_by_position.items():
        text = " ".join((segment.get("text") or "").split())
        if text:
            body = without_diacritics(text)
            original = None if body == text else text
            rows.append(insert_parameters(index, first_row_id(job_pk) + position, owner_id, segment.get("id"),
                                          segment.get("start"), body, original))  # fmt: skip
    with db.cursor() as cursor:
        if replace_all:
            cursor.execute(index.DELETE_RANGE, [first_row_id(job_pk), first_row_id(job_pk + 1) - 1])
        else:
            for position in segments_by_position:
                row_id = first_row_id(job_pk) + position
                cursor.execute(index.DELETE_RANGE, [row_id, row_id])
        if rows:
            cursor.executemany(index.INSERT, rows)


def remove_job(job_pk):
    with connection.cursor() as cursor:
        cursor.execute(backend().DELETE_RANGE, [first_row_id(job_pk), first_row_id(job_pk + 1) - 1])


def remove_orphans(db):
    """Drop the rows of jobs that no longer exist (a no-op before the index's migration has run)."""
    index = backend(db)
    if TABLE not in db.introspection.table_names():
        return
    with db.cursor() as cursor:
        cursor.execute(index.DELETE_ORPHANS)

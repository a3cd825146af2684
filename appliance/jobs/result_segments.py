"""Read and replace single segments of a job's stored result inside the database.

A transcript of an hour with word times is megabytes of JSON; parsing and writing all of it from Python
to change one sentence would make every save as slow as the transcript is long. SQLite's JSON functions
and PostgreSQL's jsonb do it in the database instead. Segment ids are their positions in every result the engine writes; where they are
not (checked on read), the caller falls back to reading the whole result.
"""
import json

from django.db import connection

TABLE = "jobs_transcription"
# SQLite allows 127 arguments to a function and 2,000 result columns; PostgreSQL nests jsonb_set calls on
# its stack. Many segments at once (a "replace all") go in slices of these sizes.
READ_SLICE = 500
WRITE_SLICE = 60


def _loaded(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _slices(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def read(job_pk, ids):
    """{id: segment} for the ids, or None when a segment is not at the position its id names."""
    ids = list(dict.fromkeys(ids))
    if any(segment_id < 0 for segment_id in ids):
        return None
    segments = {}
    for some in _slices(ids, READ_SLICE):
        found = _read_slice(job_pk, some)
        if found is None:
            return None
        segments.update(found)
    return segments


def _read_slice(job_pk, ids):
    if connection.vendor == "sqlite":
        columns = ", ".join(["json_extract(result, %s)"] * len(ids))
        params = [f"$.segments[{segment_id}]" for segment_id in ids]
    else:
        columns = ", ".join(["result -> 'segments' -> %s"] * len(ids))
        params = list(ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {TABLE} WHERE id = %s", [*params, job_pk])
        row = cursor.fetchone()
    if row is None:
        return None
    segments = {}
    for segment_id, value in zip(ids, row, strict=True):
        segment = _loaded(value) if value is not None else None
        if not isinstance(segment, dict) or segment.get("id") != segment_id:
            return None
        segments[segment_id] = segment
    return segments


def write(job_pk, segments):
    """Put each segment ({id: segment}) back at its position, in one statement.

    The stored full text (`result.text`) is dropped rather than rebuilt: rebuilding means reading every
    segment again, and readers compute it from the segments when it is missing (serializers.job_detail;
    TranscriptionResult.text always does)."""
    items = list(segments.items())
    for some in _slices(items, WRITE_SLICE):
        _write_slice(job_pk, dict(some))


def _write_slice(job_pk, segments):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            paths = ", ".join(["%s, json(%s)"] * len(segments))
            params = [value for segment_id, segment in segments.items()
                      for value in (f"$.segments[{segment_id}]", json.dumps(segment))]  # fmt: skip
            sql = f"UPDATE {TABLE} SET result = json_remove(json_set(result, {paths}), '$.text') WHERE id = %s"
        else:
            expression = "result"
            params = []
            for segment_id, segment in segments.items():
                expression = f"jsonb_set({expression}, ARRAY['segments', %s], %s::jsonb)"
                params += [str(segment_id), json.dumps(segment)]
            sql = f"UPDATE {TABLE} SET result = {expression} - 'text' WHERE id = %s"
        cursor.execute(sql, [*params, job_pk])

"""Read and replace single segments of a job's stored result inside the database.

A transcript of an hour with word times is megabytes of JSON; parsing and writing all of it from Python
to change one sentence would make every save as slow as the transcript is long. SQLite's JSON functions
and PostgreSQL's jsonb do it in the database instead, and the full text (`result.text`) is rebuilt there
from the segments. Segment ids are their positions in every result the engine writes; where they are
not (checked on read), the caller falls back to reading the whole result.
"""
import json

from django.db import connection

TABLE = "jobs_transcription"


def _loaded(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def read(job_pk, ids):
    """{id: segment} for the ids, or None when a segment is not at the position its id names."""
    ids = list(dict.fromkeys(ids))
    if any(segment_id < 0 for segment_id in ids):
        return None
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
    """Put each segment ({id: segment}) back at its position and rebuild result.text."""
    if not segments:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            paths = ", ".join(["%s, json(%s)"] * len(segments))
            params = [value for segment_id, segment in segments.items()
                      for value in (f"$.segments[{segment_id}]", json.dumps(segment))]  # fmt: skip
            cursor.execute(f"UPDATE {TABLE} SET result = json_set(result, {paths}) WHERE id = %s", [*params, job_pk])
            cursor.execute(
                f"UPDATE {TABLE} SET result = json_set(result, '$.text', (SELECT trim(coalesce(group_concat("
                f"json_extract(value, '$.text'), ''), '')) FROM json_each(result, '$.segments'))) WHERE id = %s",
                [job_pk],
            )
        else:
            expression = "result"
            params = []
            for segment_id, segment in segments.items():
                expression = f"jsonb_set({expression}, ARRAY['segments', %s], %s::jsonb)"
                params += [str(segment_id), json.dumps(segment)]
            cursor.execute(f"UPDATE {TABLE} SET result = {expression} WHERE id = %s", [*params, job_pk])
            cursor.execute(
                f"UPDATE {TABLE} SET result = jsonb_set(result, '{{text}}', to_jsonb(trim(coalesce((SELECT "
                "string_agg(segment ->> 'text', '' ORDER BY position) FROM jsonb_array_elements(result -> 'segments') "
                "WITH ORDINALITY AS listed(segment, position)), '')))) WHERE id = %s",
                [job_pk],
            )

"""The transcript search index (SQLite FTS5, or a tsvector table with a GIN index on PostgreSQL),
filled with the transcripts of the jobs that finished before it existed."""
from django.db import migrations


def create_index(apps, schema_editor):
    # Uses the app's own index writer (plain values in, no model import), so the rows it writes are
    # the rows every later save writes.
    from appliance.jobs.search import index_rows
    from appliance.jobs.search_backends import backend

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in backend(connection).CREATE:
            cursor.execute(statement)
    Transcription = apps.get_model("jobs", "Transcription")
    jobs = Transcription.objects.using(connection.alias).exclude(result=None).values_list("pk", "owner_id", "result")
    for job_pk, owner_id, result in jobs.iterator(chunk_size=100):
        segments = (result or {}).get("segments") or []
        index_rows(job_pk, owner_id, dict(enumerate(segments)), replace_all=True, using=connection)


def drop_index(apps, schema_editor):
    from appliance.jobs.search_backends import backend

    with schema_editor.connection.cursor() as cursor:
        for statement in backend(schema_editor.connection).DROP:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0004_transcript_revisions")]

    operations = [migrations.RunPython(create_index, drop_index)]

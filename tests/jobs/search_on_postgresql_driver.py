"""Run by test_transcript_search_on_postgresql.py in a subprocess whose DATABASE_URL is a private
PostgreSQL: migrate, finish jobs through the ORM (as the worker does), edit, search; print JSON."""
import json

import django

django.setup()

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from appliance.jobs import revisions, search
from appliance.jobs.models import Status, Transcription
from appliance.jobs.serializers import job_detail


def finished(owner, texts, name):
    segments = [{"id": n, "start": n * 3.0, "end": n * 3.0 + 2.5, "text": f" {text}", "words": []} for n, text in enumerate(texts)]
    return Transcription.objects.create(owner=owner, original_name=name, audio=f"x/{name}", model_name="tiny.en",
                                        status=Status.DONE, result={"segments": segments, "language": "de"})  # fmt: skip


def names(user, query):
    return [[found.job.original_name, [(hit.text, hit.highlights) for hit in found.hits]] for found in search.search(user, query).results]


call_command("migrate", verbosity=0)
User = get_user_model()
staff = User.objects.create_user("pg-staff", password=None, role="staff")
other = User.objects.create_user("pg-other", password=None, role="staff")
admin = User.objects.create_user("pg-admin", password=None, role="admin")
mine = finished(staff, ["Herr Müller wohnt in der Hauptstraße.", "Please send the meeting notes before Friday."], "mine.wav")
finished(other, ["The meeting notes are late.", "El niño comió."], "theirs.wav")
revisions.save_edit(mine, staff, 1, [{"id": 1, "text": "Please send the weekly report before Friday."}])
stored = Transcription.objects.get(pk=mine.pk).result
shown = job_detail(Transcription.objects.get(pk=mine.pk))["result"]
out = {
    "vendor": connection.vendor,
    "shown_text": shown["text"],
    "stored_segment": stored["segments"][1]["text"],
    "phrase": names(staff, '"weekly report"'),
    "old_phrase": names(staff, '"meeting notes"'),
    "admin_phrase": names(admin, '"meeting notes"'),
    "accents": names(staff, "muller hauptstrasse"),
    "prefix": names(admin, "nin*"),
    "order": names(admin, "the"),
}
many = finished(staff, [f"Item {n} is red." for n in range(130)], "many.wav")
revisions.save_edit(many, staff, 1, [{"id": n, "text": f"Item {n} is blue."} for n in range(130)])
out["many_blue"] = sum("blue" in segment["text"] for segment in Transcription.objects.get(pk=many.pk).result["segments"])
Transcription.objects.get(pk=mine.pk).delete()
out["after_delete"] = names(admin, "weekly")
print(json.dumps(out))

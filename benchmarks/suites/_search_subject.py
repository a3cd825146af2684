"""The search suite's measuring process: Django on a scratch data dir (its own SQLite database), driven
in-process through the real URL, middleware and view stack with API tokens, so the figures are server
time without a network. Run by benchmarks/suites/search.py; prints one JSON document.

    python -m benchmarks.suites._search_subject '{"jobs": 10000, "minutes": 30, ...}'

The corpus is generated: words drawn from a Zipf distribution over a 50,000-word synthetic vocabulary
(about 150 words a minute, 6-18 words a segment), so a few words occur in nearly every segment and
most in a handful, as in speech. Its database is kept and reused by later runs with the same shape.
"""
import json
import statistics
import sys
import time

VOCABULARY_SIZE = 50_000
ZIPF_EXPONENT = 1.07
WORDS_PER_MINUTE = 150
STAFF_USERS = 20
SEED = 17
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "po", "si", "de", "ga", "bu", "fe", "ho", "ji", "ly", "ze", "an",
              "er", "is", "on", "ul", "tra", "ber", "mon", "sel", "vin", "dor", "pla", "gri", "stu"]  # fmt: skip
_ACCENTED = str.maketrans({"u": "ü", "e": "é", "n": "ñ", "o": "ö"})


def vocabulary():
    """Distinct pseudo-words, shortest (most frequent) first; every 20th carries diacritics."""
    import itertools

    words = []
    for length in (1, 2, 3, 4):
        for parts in itertools.product(_SYLLABLES, repeat=length):
            words.append("".join(parts))
            if len(words) == VOCABULARY_SIZE:
                return [word.translate(_ACCENTED) if rank % 20 == 7 else word for rank, word in enumerate(words)]
    return words


def build_corpus(jobs, minutes, log):
    import numpy
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from appliance.jobs.models import Status, Transcription
    from appliance.jobs.search import index_rows

    words = vocabulary()
    rng = numpy.random.default_rng(SEED)
    weights = 1.0 / numpy.arange(1, VOCABULARY_SIZE + 1) ** ZIPF_EXPONENT
    cumulative = numpy.cumsum(weights / weights.sum())
    User = get_user_model()
    admin = User.objects.create_user("bench-admin", password=None, role="admin")
    staff = [User.objects.create_user(f"bench-staff-{n}", password=None, role="staff") for n in range(STAFF_USERS)]
    words_per_job = WORDS_PER_MINUTE * minutes
    started = time.perf_counter()
    for first in range(0, jobs, 50):
        with transaction.atomic():
            batch = Transcription.objects.bulk_create([
                # The search reads the index and the job rows without their result: a placeholder result
                # keeps the generated database small (the edit measurement uses a full one).
                Transcription(owner=staff[number % STAFF_USERS], original_name=f"meeting-{number}.wav",
                              audio=f"bench/{number}.wav", model_name="tiny.en", status=Status.DONE, progress=1.0,
                              duration_seconds=minutes * 60.0, result={"segments": [], "generated": True})
                for number in range(first, min(first + 50, jobs))
            ])  # fmt: skip
            for job in batch:
                drawn = numpy.searchsorted(cumulative, rng.random(words_per_job))
                lengths = rng.integers(6, 19, size=words_per_job // 6)
                bounds = numpy.cumsum(lengths)
                bounds = bounds[bounds < words_per_job]
                pieces = numpy.split(drawn, bounds)
                step = minutes * 60.0 / len(pieces)
                segments = [{"id": index, "start": round(index * step, 3), "text": " ".join(words[i] for i in piece)}
                            for index, piece in enumerate(pieces)]  # fmt: skip
                index_rows(job.pk, job.owner_id, dict(enumerate(segments)), replace_all=True)
        if (first // 50) % 20 == 0:
            log(f"generated {first + len(batch)}/{jobs} transcripts ({time.perf_counter() - started:.0f} s)")
    return admin, staff, words


def query_set(words, sample_segment, count):
    """(category, query) pairs: frequent, medium and rare words, two words, a phrase that occurs, a
    prefix, a word typed without its accents, and a word that occurs nowhere."""
    import random

    from appliance.jobs.search_text import without_diacritics

    rng = random.Random(SEED)
    accented = [word for word in words[200:5000] if not word.isascii()]
    makers = {
        "frequent word": lambda: words[rng.randrange(0, 10)],
        "medium word": lambda: words[rng.randrange(100, 2000)],
        "rare word": lambda: words[rng.randrange(10_000, VOCABULARY_SIZE)],
        "two words": lambda: f"{words[rng.randrange(50, 1000)]} {words[rng.randrange(50, 1000)]}",
        "phrase": lambda: '"' + " ".join(_window(sample_segment(rng), rng)) + '"',
        "prefix": lambda: words[rng.randrange(300, 3000)][:4] + "*",
        "without accents": lambda: without_diacritics(rng.choice(accented)),
        "absent word": lambda: f"zzq{rng.randrange(1000)}",
    }
    return [(category, maker()) for _ in range(max(1, count // len(makers))) for category, maker in makers.items()]


def _window(text, rng):
    tokens = text.split()
    start = rng.randrange(0, max(1, len(tokens) - 3))
    return tokens[start:start + 3]



def measure_search(client_for, admin, staff, queries, rounds, bare_query):
    rows = []
    for who, user in (("admin", admin), ("staff", staff[3])):
        client = client_for(user)
        client.get("/api/jobs/", {"q": "warm up"})  # imports, the token check and caches: not a search's cost
        for category, query in queries:
            for _ in range(rounds):
                started = time.perf_counter()
                answer = client.get("/api/jobs/", {"q": query})
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise RuntimeError(f"search {query!r} answered {answer.status_code}: {answer.content[:300]!r}")
                started = time.perf_counter()
                bare_query(query)
                rows.append({"who": who, "category": category, "query": query, "ms": elapsed,
                             "bare_ms": (time.perf_counter() - started) * 1000, "jobs": len(answer.json()["jobs"])})  # fmt: skip
    return rows


def bare_fts_query(connection):
    """The reference: the same terms straight to SQLite FTS5 (no Django, no grouping, no highlights)."""
    from appliance.jobs.search_backends import TABLE, SqliteIndex
    from appliance.jobs.search_text import parse_query

    def run(query):
        expression = SqliteIndex.match_expression(parse_query(query))
        return connection.execute(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? ORDER BY rowid DESC LIMIT 60",
                                  (expression,)).fetchall()  # fmt: skip

    return run


def measure_edits(client_for, owner, minutes, edits):
    """Server time of saving one segment of a full transcript (word times included) of `minutes`."""
    from appliance.jobs.models import Status, Transcription

    words = vocabulary()
    segments, clock, number = [], 0.0, 0
    while clock < minutes * 60:
        tokens = [words[(number * 7 + n * 13) % 3000] for n in range(12)]
        step = 4.0 / len(tokens)
        segments.append({"id": number, "start": round(clock, 3), "end": round(clock + 4.0, 3), "text": " " + " ".join(tokens),
                         "words": [{"start": round(clock + n * step, 3), "end": round(clock + (n + 1) * step, 3),
                                    "word": f" {token}", "probability": 0.8} for n, token in enumerate(tokens)],
                         "avg_logprob": -0.3, "no_speech_prob": 0.01, "compression_ratio": 1.3,
                         "tokens": list(range(20)), "temperature": 0.0, "seek": 0})  # fmt: skip
        clock += 4.5
        number += 1
    job = Transcription.objects.create(owner=owner, original_name="edited.wav", audio="bench/edited.wav", model_name="tiny.en",
                                       status=Status.DONE, progress=1.0, result={"segments": segments, "language": "en",
                                       "duration": clock})  # fmt: skip
    client = client_for(owner)
    url = f"/api/jobs/{job.public_id}/transcript/"
    revision = client.get(url).json()["revision"]["number"]
    wall, server = [], []
    for edit in range(edits):
        segment = segments[(edit * 37) % len(segments)]
        body = {"revision": revision, "segments": [{"id": segment["id"], "text": f"corrected words number {edit} here"}]}
        started = time.perf_counter()
        answer = client.patch(url, json.dumps(body), content_type="application/json")
        wall.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"saving an edit answered {answer.status_code}: {answer.content[:300]!r}")
        revision = answer.json()["revision"]["number"]
        server.append(float(answer["Server-Timing"].split("dur=")[1]))
    return {"segments": len(segments), "result_bytes": len(json.dumps(job.result)), "wall_ms": wall, "save_ms": server}


def main(settings):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from appliance.jobs.models import Transcription
    from appliance.tokens.services import create_token

    def log(message):
        print(f"[search] {message}", file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    started = time.perf_counter()
    if not User.objects.filter(username="bench-admin").exists():
        build_corpus(settings["jobs"], settings["minutes"], log)
    generation_seconds = time.perf_counter() - started
    admin = User.objects.get(username="bench-admin")
    staff = list(User.objects.filter(username__startswith="bench-staff-").order_by("pk"))
    tokens = {}

    def client_for(user):
        if user.pk not in tokens:
            tokens[user.pk] = create_token(user, "search benchmark")[1]
        return Client(HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}", HTTP_HOST="localhost")

    cursor = connection.cursor()

    def sample_segment(rng):
        row_id = rng.randrange(1, Transcription.objects.count()) << 20
        cursor.execute("SELECT body FROM jobs_transcript_search WHERE rowid >= %s LIMIT 1", [row_id])
        return cursor.fetchone()[0]

    queries = query_set(vocabulary(), sample_segment, settings["queries"])
    connection.ensure_connection()
    search_rows = measure_search(client_for, admin, staff, queries, settings["rounds"],
                                 bare_fts_query(connection.connection))  # fmt: skip
    edits = measure_edits(client_for, staff[0], settings["minutes"], settings["edits"])
    cursor.execute("SELECT count(*) FROM jobs_transcript_search")
    indexed_segments = cursor.fetchone()[0]
    print(json.dumps({"search": search_rows, "edits": edits, "generation_seconds": generation_seconds,
                      "indexed_segments": indexed_segments, "jobs": Transcription.objects.count(),
                      "median_search_ms": statistics.median(row["ms"] for row in search_rows)}))  # fmt: skip


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))

"""The transcript search index in the database: SQLite FTS5 by default, PostgreSQL full-text search
when DATABASE_URL is PostgreSQL. Both hold one row per segment of every job's current transcript.

A row's id is (job pk << 20) + the segment's position, so one job's rows are one id range (removed
with one range delete) and "newest job first" is simply "highest id first", which both databases
answer by walking their index backwards and stopping early, never by sorting every match.

Rows hold the text without diacritics (search_text.without_diacritics) and, only where folding changed it, the
original text for display: for most transcripts the index stores the text once.
"""
from django.db import connection

TABLE = "jobs_transcript_search"
POSITION_BITS = 20  # 1,048,576 segments a job: a four-hour recording has a few thousand


def first_row_id(job_pk):
    return job_pk << POSITION_BITS


def job_of_row(row_id):
    return row_id >> POSITION_BITS


def backend(using=None):
    vendor = (using or connection).vendor
    if vendor == "sqlite":
        return SqliteIndex
    if vendor == "postgresql":
        return PostgresIndex
    raise NotImplementedError(f"Transcript search supports SQLite and PostgreSQL, not {vendor}.")


class SqliteIndex:
    CREATE = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        "body, owner, segment_id UNINDEXED, start UNINDEXED, original UNINDEXED, "
        # Prefix indexes for 3 and 4 letters: a short prefix ("tra*") otherwise merges the lists of
        # every word it starts, on every search (5-20x slower); they add about a third to the index.
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '3 4')",
    ]
    DROP = [f"DROP TABLE IF EXISTS {TABLE}"]
    INSERT = f"INSERT INTO {TABLE} (rowid, body, owner, segment_id, start, original) VALUES (%s, %s, %s, %s, %s, %s)"
    DELETE_RANGE = f"DELETE FROM {TABLE} WHERE rowid BETWEEN %s AND %s"
    DELETE_ORPHANS = f"DELETE FROM {TABLE} WHERE (rowid >> {POSITION_BITS}) NOT IN (SELECT id FROM jobs_transcription)"

    @staticmethod
    def owner_value(owner_id):
        # The owner is a token of its own column, so "this user's segments" is one more term that
        # FTS5 intersects with the query's terms instead of a filter applied to every match.
        return f"owner{owner_id}"

    @staticmethod
    def match_expression(terms):
        def quoted(term):
            return '"' + " ".join(term.words) + '"' + (" *" if term.prefix else "")

        return "body : (" + " AND ".join(quoted(term) for term in terms) + ")"

    @classmethod
    def select_ids(cls, terms, owner_id, below, limit):
        """Ids of matching rows below `below`, highest first."""
        expression = cls.match_expression(terms)
        if owner_id is not None:
            expression = f'owner : "{cls.owner_value(owner_id)}" AND {expression}'
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid < %s ORDER BY rowid DESC LIMIT %s"
        return sql, [expression, below, limit]

    @classmethod
    def select_first_ids(cls, terms, lowest, below, limit):
        """Ids of matching rows with lowest <= id < below, lowest first (one job's first matches)."""
        sql = (f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid >= %s AND rowid < %s "
               "ORDER BY rowid ASC LIMIT %s")  # fmt: skip
        return sql, [cls.match_expression(terms), lowest, below, limit]

    @staticmethod
    def select_rows(row_ids):
        # One lookup by id each: FTS5 answers "rowid IN (...)" without running a full-text query.
        marks = ", ".join(["%s"] * len(row_ids))
        return f"SELECT rowid, segment_id, start, body, original FROM {TABLE} WHERE rowid IN ({marks})", list(row_ids)


class PostgresIndex:
    CREATE = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigint PRIMARY KEY, owner text NOT NULL, segment_id integer, "
        "start double precision, body text NOT NULL, original text, document tsvector NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_owner ON {TABLE} (owner, id)",
    ]
    DROP = [f"DROP TABLE IF EXISTS {TABLE}"]
    # 'simple': no stemming and no stop words, as FTS5's unicode61 tokenizer, so both find the same.
    INSERT = (f"INSERT INTO {TABLE} (id, body, owner, segment_id, start, original, document) "
              "VALUES (%s, %s, %s, %s, %s, %s, to_tsvector('simple', %s))")  # fmt: skip
    DELETE_RANGE = f"DELETE FROM {TABLE} WHERE id BETWEEN %s AND %s"
    DELETE_ORPHANS = f"DELETE FROM {TABLE} WHERE (id >> {POSITION_BITS}) NOT IN (SELECT id FROM jobs_transcription)"
    owner_value = SqliteIndex.owner_value

    @staticmethod
    def query_expression(terms):
        def term_query(term):
            words = [f"'{word}'" for word in term.words]  # words are letters and digits only
            if term.prefix:
                words[-1] += ":*"
            return "(" + " <-> ".join(words) + ")"

        return " & ".join(term_query(term) for term in terms)

    @classmethod
    def select_ids(cls, terms, owner_id, below, limit):
        owner_filter = "AND owner = %s " if owner_id is not None else ""
        sql = (f"SELECT id FROM {TABLE} WHERE document @@ to_tsquery('simple', %s) {owner_filter}"
               "AND id < %s ORDER BY id DESC LIMIT %s")  # fmt: skip
        owner_params = [cls.owner_value(owner_id)] if owner_id is not None else []
        return sql, [cls.query_expression(terms), *owner_params, below, limit]

    @classmethod
    def select_first_ids(cls, terms, lowest, below, limit):
        sql = (f"SELECT id FROM {TABLE} WHERE document @@ to_tsquery('simple', %s) AND id >= %s AND id < %s "
               "ORDER BY id ASC LIMIT %s")  # fmt: skip
        return sql, [cls.query_expression(terms), lowest, below, limit]

    @staticmethod
    def select_rows(row_ids):
        return f"SELECT id, segment_id, start, body, original FROM {TABLE} WHERE id = ANY(%s)", [list(row_ids)]


def insert_parameters(index, row_id, owner_id, segment_id, start, body, original):
    values = [row_id, body, index.owner_value(owner_id), segment_id, start, original]
    return values + [body] if index is PostgresIndex else values

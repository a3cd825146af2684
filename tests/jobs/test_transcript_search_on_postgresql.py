"""With DATABASE_URL on PostgreSQL, search runs on its full-text search (tsvector + GIN): the migration
creates the index, and phrases, prefixes, accents, owners, edits and deletes behave as on SQLite.
A real PostgreSQL server (a private cluster) and the appliance's own migrations, in a subprocess."""
import json
import os
import subprocess
import sys

import pytest
from postgres_cluster import private_postgres
from servers import REPOSITORY_ROOT

pytestmark = pytest.mark.slow


def test_search_works_the_same_on_postgresql(tmp_path, redis_url):
    with private_postgres() as cluster:
        env = dict(os.environ, DATABASE_URL=cluster.url, APPLIANCE_DATA_DIR=str(tmp_path), REDIS_URL=redis_url,
                   PYTHONPATH=str(REPOSITORY_ROOT), DJANGO_SETTINGS_MODULE="appliance.settings")  # fmt: skip
        driver = REPOSITORY_ROOT / "tests" / "jobs" / "search_on_postgresql_driver.py"
        finished = subprocess.run([sys.executable, str(driver)], env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    found = json.loads(finished.stdout.strip().splitlines()[-1])

    assert found["vendor"] == "postgresql"
    assert found["stored_segment"] == " Please send the weekly report before Friday."  # jsonb_set in place
    assert found["shown_text"] == "Herr Müller wohnt in der Hauptstraße. Please send the weekly report before Friday."
    assert found["phrase"] == [["mine.wav", [["Please send the weekly report before Friday.", [[16, 29]]]]]]
    assert found["old_phrase"] == []  # the edit replaced it, and the other match is not this staff member's
    assert [name for name, _ in found["admin_phrase"]] == ["theirs.wav"]
    assert found["accents"] == [["mine.wav", [["Herr Müller wohnt in der Hauptstraße.", [[5, 11], [25, 36]]]]]]
    assert [name for name, _ in found["prefix"]] == ["theirs.wav"]
    assert [name for name, _ in found["order"]] == ["theirs.wav", "mine.wav"]
    assert found["after_delete"] == []
    assert found["many_blue"] == 130  # a replace in many segments goes in slices

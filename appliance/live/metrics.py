"""What running live engines report about themselves in Redis: that they are up (the consumer
refuses a start at once when none is) and how many sessions they hold (/metrics).

One key per engine process with a short TTL, so a killed engine disappears on its own and two
engines (on two hosts sharing Redis) never hide each other."""
import json
import os
import socket
import time

from appliance.plumbing.redis_client import get_redis

KEY_PREFIX = "appliance:live-engine:"
REPORT_SECONDS = 2
TTL_SECONDS = 10


def engine_identity():
    return f"{socket.gethostname()}:{os.getpid()}"


def report_engine(identity, sessions, max_sessions):
    payload = {"engine": identity, "sessions": sessions, "max_sessions": max_sessions, "at": time.time()}
    get_redis().set(KEY_PREFIX + identity, json.dumps(payload), ex=TTL_SECONDS)


def forget_engine(identity):
    get_redis().delete(KEY_PREFIX + identity)


def engine_reports():
    client = get_redis()
    reports = []
    for key in client.scan_iter(match=KEY_PREFIX + "*", count=100):
        value = client.get(key)
        if value:
            reports.append(json.loads(value))
    return sorted(reports, key=lambda report: report["engine"])


def engine_running():
    return bool(engine_reports())


def live_session_count():
    """Live sessions open now on every engine (the metrics' live_sessions gauge)."""
    return sum(report["sessions"] for report in engine_reports())

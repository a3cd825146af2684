"""GET /healthz: 200 only when the database, Redis and at least one worker are well; "degraded"
(still 200) when the data disk has less than APPLIANCE_MIN_FREE_DISK_MB free.

make run, systemd and the updater wait on it, so it must answer quickly and never need login.
Anonymous callers learn only {"status": "ok" | "degraded"}: the checks name hosts, process ids
and loaded models, which are for admins, API tokens and the metrics token (may_see_details).
"""
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from appliance.metrics.collectors import may_scrape
from appliance.plumbing import disk_space
from appliance.plumbing.redis_client import get_redis
from appliance.runtime import presence


def _check(probe):
    try:
        return {"ok": True, **(probe() or {})}
    except Exception as error:  # Any failure is a health answer, not a 500.
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _redis():
    get_redis().ping()


def _workers():
    workers = presence.present("worker")
    if not workers:
        raise RuntimeError(f"no worker heartbeat in the last {presence.TTL_SECONDS} seconds")
    return {"count": len(workers), "workers": [worker["identity"] for worker in workers]}


def _disk():
    free = disk_space.free_bytes()
    return {"free_mb": free // disk_space.MB, "low": free < disk_space.reserve_bytes()}


def _loaded_models(workers_check):
    if not workers_check["ok"]:
        return []
    return presence.loaded_model_names(presence.present("worker"))


def may_see_details(request):
    # request.api_token: the tokens middleware accepted a bearer token on /healthz.
    return getattr(request, "api_token", None) is not None or may_scrape(request)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _check(_database), "redis": _check(_redis)}
    checks["worker"] = _check(_workers) if checks["redis"]["ok"] else {"ok": False, "error": "Redis is down"}
    healthy = all(check["ok"] for check in checks.values())
    # A full disk does not stop the appliance from serving: it is news for the admin, not a 503.
    disk = _check(_disk)
    body = {"status": "ok" if healthy and not disk.get("low", True) else "degraded"}
    if may_see_details(request):
        body.update(checks, disk=disk, loaded_models=_loaded_models(checks["worker"]))
    response = JsonResponse(body, status=200 if healthy else 503)
    # An unhealthy answer is information for the caller (make run polls it while starting),
    # not a server error worth a log line each time.
    response._has_been_logged = True
    return response

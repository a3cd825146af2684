"""GET /metrics: django-prometheus's request metrics plus the appliance's own.

The appliance's metrics are read when Prometheus scrapes, from the database and Redis: the
workers and the live engine are other processes (often on other hosts) that nobody scrapes,
so counters kept in their memory would never be seen.

Who may scrape: a logged-in administrator, or whoever presents the metrics token
(APPLIANCE_METRICS_TOKEN or _FILE) as `Authorization: Bearer <token>`.
"""
import hmac
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from appliance.accounts.permissions import is_admin
from appliance.jobs.models import Status, Transcription
from appliance.metrics.totals import fold_finished_jobs, read_totals
from appliance.runtime import presence

PREFIX = "whisper_appliance"
MIB = 2**20

logger = logging.getLogger(__name__)


class ApplianceCollector(Collector):
    SECTIONS = ("jobs", "queue", "engine", "live", "llm")

    def describe(self):
        # Without describe() the registry would call collect() at registration, which reads
        # the database while the URL conf loads (before migrations, in `manage.py check`).
        return []

    def collect(self):
        # One part failing (Redis restarting) must not hide the others: each part is gathered
        # whole or not at all, and collector_up says which parts are missing.
        up = GaugeMetricFamily(f"{PREFIX}_collector_up", "1 when this part of the metrics could be read.", labels=["part"])
        for section in self.SECTIONS:
            try:
                families = list(getattr(self, f"{section}_metrics")())
            except Exception:
                logger.exception("metrics: could not read the %s metrics", section)
                up.add_metric([section], 0)
                continue
            up.add_metric([section], 1)
            yield from families
        yield up

    def jobs_metrics(self):
        jobs = GaugeMetricFamily(f"{PREFIX}_jobs", "Transcription jobs by status.", labels=["status"])
        counts = dict(Transcription.objects.values_list("status").annotate(count=Count("id")))
        for status in Status.values:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        fold_finished_jobs()
        totals = read_totals()
        yield CounterMetricFamily(
            f"{PREFIX}_jobs_done", "Jobs that finished with a transcript.", value=totals["jobs"]
        )
        yield CounterMetricFamily(
            f"{PREFIX}_audio_seconds_transcribed", "Seconds of audio in jobs done.", value=totals["audio_seconds"]
        )
        for name, text in (
            ("processing_seconds", "Wall time a worker spent on a job, from start to transcript."),
            ("real_time_factor", "Processing seconds per second of audio (0.05 is 20 times faster than real time)."),
        ):
            histogram = totals[name]
            yield HistogramMetricFamily(
                f"{PREFIX}_job_{name}", text, buckets=histogram["buckets"], sum_value=histogram["sum"]
            )

    def queue_metrics(self):
        from appliance.celery import app
        from appliance.panel.system_status import queue_depth

        depth = GaugeMetricFamily(f"{PREFIX}_queue_depth", "Jobs waiting in the Celery queue.", labels=["queue"])
        queue_name = app.conf.task_default_queue
        depth.add_metric([queue_name], queue_depth((queue_name,)))
        yield depth
        yield GaugeMetricFamily(f"{PREFIX}_workers", "Celery workers with a fresh heartbeat.", value=len(presence.present("worker")))

    def engine_metrics(self):
        labels = ["model", "device", "process", "role"]
        loaded = GaugeMetricFamily(f"{PREFIX}_model_loaded", "Models in memory, per process (1 while loaded).", labels=labels)
        memory = GaugeMetricFamily(f"{PREFIX}_model_memory_bytes", "Memory a loaded model takes.", labels=labels)
        load = GaugeMetricFamily(f"{PREFIX}_model_load_seconds", "How long loading the model took.", labels=labels)
        resident = GaugeMetricFamily(
            f"{PREFIX}_engine_resident_memory_bytes", "Resident memory of a model-owning process.", labels=["process", "role"]
        )
        for report in presence.present():
            process, role = report.get("identity", ""), report.get("role", "")
            for model in report.get("loaded", []):
                values = [model["name"], model.get("device", ""), process, role]
                loaded.add_metric(values, 1)
                if "memory_mb" in model:
                    memory.add_metric(values, model["memory_mb"] * MIB)
                if "load_seconds" in model:
                    load.add_metric(values, model["load_seconds"])
            if "rss_mb" in report:
                resident.add_metric([process, role], report["rss_mb"] * MIB)
        yield from (loaded, memory, load, resident)

    def live_metrics(self):
        yield GaugeMetricFamily(
            f"{PREFIX}_live_sessions_limit", "Concurrent live sessions allowed.", value=settings.MAX_LIVE_SESSIONS
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_live_sessions", "Live transcription sessions open now.", value=presence.live_session_count()
        )


    def llm_metrics(self):
        from appliance.metrics import llm_metrics

        yield from llm_metrics.metric_families(PREFIX)


def register_collector(registry=REGISTRY):
    """Idempotent: the URL conf can be imported more than once (tests, reloads)."""
    if not getattr(registry, "_appliance_collector_registered", False):
        registry.register(ApplianceCollector())
        registry._appliance_collector_registered = True


def may_scrape(request):
    if is_admin(request.user):
        return True
    expected = settings.METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), expected.encode())


@require_GET
@login_not_required  # a scraper has no session: it is checked against the metrics token below
def metrics_view(request):
    if not may_scrape(request):
        status = 403 if request.user.is_authenticated else 401
        response = JsonResponse(
            {"error": "Metrics are for administrators or whoever holds the metrics token (Authorization: Bearer …)."},
            status=status,
        )
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="whisper-appliance metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)

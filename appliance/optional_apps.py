"""Apps that plug into the project when their package exists, without editing the core files.

Each optional app may provide any of:
  <app>/urls.py          urlpatterns, mounted under the prefix in OPTIONAL_URLS
  <app>/routing.py       websocket_urlpatterns, added to the ASGI WebSocket router
  <app>/beat_schedule.py BEAT_SCHEDULE dict merged into CELERY_BEAT_SCHEDULE
                         (plain data only: it is imported while settings load, before Django is set up)
"""
import importlib
import importlib.util

OPTIONAL_APPS = ("appliance.tokens", "appliance.live", "appliance.panel", "updater.web", "benchmarks.web")

# (URL prefix, urls module) for apps whose pages or APIs live under their own prefix.
OPTIONAL_URLS = (
    ("live/", "appliance.live.urls"),
    ("panel/", "appliance.panel.urls"),
    ("panel/updates/", "updater.web.urls"),
    ("panel/benchmarks/", "benchmarks.web.urls"),
    ("tokens/", "appliance.tokens.urls"),
    # These two own full paths: /v1/... (OpenAI-compatible) and /metrics (Prometheus).
    ("", "appliance.jobs.openai_urls"),
    ("", "appliance.metrics_urls"),
)

WEBSOCKET_ROUTING_MODULES = ("appliance.jobs.routing", "appliance.live.routing")

BEAT_SCHEDULE_APPS = ("appliance.jobs", *OPTIONAL_APPS)


def module_exists(name):
    """True when the module can be imported; a missing parent package counts as missing."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def present_apps():
    return [name for name in OPTIONAL_APPS if module_exists(name)]


def present_middleware(dotted_paths):
    """Middleware classes whose module exists (the class path minus its last part)."""
    return [path for path in dotted_paths if module_exists(path.rsplit(".", 1)[0])]


def present_context_processors(dotted_paths):
    """Context processors whose module exists, like present_middleware."""
    return present_middleware(dotted_paths)


def present_modules(names):
    return [importlib.import_module(name) for name in names if module_exists(name)]


def merged_beat_schedule(base):
    schedule = dict(base)
    for app in BEAT_SCHEDULE_APPS:
        module_name = f"{app}.beat_schedule"
        if module_exists(app) and module_exists(module_name):
            entries = importlib.import_module(module_name).BEAT_SCHEDULE
            duplicates = set(entries) & set(schedule)
            if duplicates:
                raise RuntimeError(f"{module_name} redefines beat entries {sorted(duplicates)}")
            schedule.update(entries)
    return schedule

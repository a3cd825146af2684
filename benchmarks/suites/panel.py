"""Admin panel: web process memory across every panel page, and how fast a preload change lands.

Runs the real processes on a scratch data dir and its own redis-server: daphne (the web
process, measured with psutil from outside) and one prefork Celery worker. The panel is driven
over HTTP like a browser (login form, CSRF cookie), and the worker's own report in Redis says
when a change has arrived.
"""
import http.cookiejar
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

from appliance.plumbing.embedded_redis import EmbeddedRedis
from appliance.runtime import presence
from benchmarks.process import free_port

NAME = "panel"
DESCRIPTION = ("Admin panel: RSS of the web process before/after exercising every panel page, and the time "
               "from saving a preload change to the worker reporting it applied.")

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
MAX_RSS_GROWTH_MB = 50
MAX_SAVE_TO_LOADED_SECONDS = 5.0
ADMIN_PASSWORD = "benchmark admin password 1"
PANEL_PAGES = ("/panel/", "/panel/models/", "/panel/models/state.json", "/panel/devices/", "/panel/tls/",
               "/panel/users/", "/panel/tokens/", "/panel/system/", "/panel/audit/")
FULL_ROUNDS, QUICK_ROUNDS = 20, 3
FULL_CHANGES, QUICK_CHANGES = 5, 2
MB = 2**20


class Browser:
    """Just enough of a browser for Django forms: a cookie jar and the CSRF token."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                  _NoRedirect())

    def request(self, path, data=None):
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self._csrf_token()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base_url + path, data=body, headers={"Referer": self.base_url + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def _csrf_token(self):
        return next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")

    def log_in(self, username, password):
        self.request("/accounts/login/")
        status, _ = self.request("/accounts/login/", {"username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"logging in as {username} answered {status}, not a redirect")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _wait_for(probe, timeout_seconds, what):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout_seconds} s waiting for {what}")


class Appliance:
    """daphne + one Celery worker + redis-server on a scratch data dir, stopped in any case."""

    def __init__(self, root, log):
        self.root, self.log = root, log
        self.redis = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="wa-bench-redis-")), persistent=False)
        self.processes = []
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.redis.start()
        self.env = {**os.environ, "APPLIANCE_DATA_DIR": str(self.root / "data"), "REDIS_URL": self.redis.url,
                    "APPLIANCE_PRELOAD_MODELS": "tiny.en", "APPLIANCE_ADMIN_PASSWORD": ADMIN_PASSWORD,
                    "APPLIANCE_DEBUG": "false", "DJANGO_SETTINGS_MODULE": "appliance.settings",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPOSITORY_ROOT), os.environ.get("PYTHONPATH")]))}
        self.env.pop("DATABASE_URL", None)
        for command in (["manage.py", "migrate", "--noinput"], ["manage.py", "bootstrap_admin"]):
            subprocess.run([sys.executable, *command], cwd=REPOSITORY_ROOT, env=self.env, check=True,
                           capture_output=True)
        self.web = self._start("web", [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
                                       "appliance.asgi:application"])
        self.worker = self._start("worker", [sys.executable, "-m", "celery", "-A", "appliance.celery", "worker",
                                             "--loglevel", "WARNING", "--concurrency", "1", "--pool", "prefork",
                                             "--without-gossip", "--without-mingle"])
        _wait_for(self._web_answers, 60, "daphne to answer")
        return self

    def _start(self, name, command):
        log = open(self.root / f"{name}.log", "wb")
        process = subprocess.Popen(command, cwd=REPOSITORY_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((process, log))
        return process

    def _web_answers(self):
        try:
            with urllib.request.urlopen(self.base_url + "/healthz", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # 503 before the worker beats is still an answer
        except OSError:
            return False

    def web_rss_mb(self):
        return psutil.Process(self.web.pid).memory_info().rss / MB

    def reports(self):
        return presence.present(redis_url=self.redis.url)

    def __exit__(self, *exc_info):
        for process, log in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, 15)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, 9)
                    process.wait(10)
            log.close()
        self.redis.stop()
        shutil.rmtree(self.redis.directory, ignore_errors=True)


def _settings_form(preload):
    return {"preload": list(preload), "device": "auto", "compute_type_cpu": "auto", "budget_cpu": "",
            "idle_ttl_minutes": 15}


def _exercise_pages(browser, rounds):
    statuses = {}
    for _ in range(rounds):
        for path in PANEL_PAGES:
            status, _ = browser.request(path)
            statuses[path] = status
    return statuses


def _time_preload_changes(appliance, browser, changes, log):
    """Alternately empty and refill the preload set; seconds from the POST to the report."""
    worker_pid = _wait_for(lambda: next((report["pid"] for report in appliance.reports() if report["loaded"]), None),
                           120, "the worker's first report")
    unloads, loads = [], []
    revision = 0  # a fresh data dir: the first save is revision 1
    for number in range(changes):
        for preload, timings in (((), unloads), (("tiny.en",), loads)):
            revision += 1
            started = time.perf_counter()
            status, body = browser.request("/panel/models/", _settings_form(preload))
            if status != 302:
                raise RuntimeError(f"saving the preload set answered {status}: {body[:500]!r}")
            wanted = ["tiny.en"] if preload else []
            _wait_for(lambda wanted=wanted, revision=revision: any(
                report["pid"] == worker_pid and report["applying_revision"] is None
                and sorted(model["name"] for model in report["loaded"]) == wanted
                and report["applied_revision"] == revision
                for report in appliance.reports()), 120, f"preload {wanted} in the worker")
            timings.append(time.perf_counter() - started)
        log(f"change {number + 1}/{changes}: unloaded in {unloads[-1]:.2f} s, loaded in {loads[-1]:.2f} s")
    return unloads, loads


def run(options):
    rounds = options.number("rounds", QUICK_ROUNDS if options.quick else FULL_ROUNDS)
    changes = options.number("changes", QUICK_CHANGES if options.quick else FULL_CHANGES)
    root = options.work_dir / NAME
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    options.plan(3 + changes)  # appliance up, first round of pages, the other rounds, each preload change
    with Appliance(root, options.log) as appliance:
        options.advance("appliance up")
        browser = Browser(appliance.base_url)
        rss_started = appliance.web_rss_mb()
        browser.log_in("admin", ADMIN_PASSWORD)
        statuses = _exercise_pages(browser, 1)
        rss_first_round = appliance.web_rss_mb()
        options.advance("first round of pages")
        statuses.update(_exercise_pages(browser, rounds))
        options.advance(f"{rounds} more rounds of pages")
        rss_after = appliance.web_rss_mb()
        options.log(f"web RSS {rss_started:.0f} MB at start, {rss_after:.0f} MB after {rounds + 1} rounds")
        unloads, loads = _time_preload_changes(appliance, browser, changes, options.advance)
        rss_end = appliance.web_rss_mb()
    growth = rss_after - rss_started
    bad_pages = {path: status for path, status in statuses.items() if status != 200}
    return {
        "summary": {
            "web_rss_mb_at_start": round(rss_started, 1),
            "web_rss_mb_after_first_round": round(rss_first_round, 1),
            "web_rss_mb_after_all_rounds": round(rss_after, 1),
            "web_rss_growth_mb": round(growth, 1),
            "web_rss_mb_after_preload_changes": round(rss_end, 1),
            "save_to_loaded_seconds_median": round(statistics.median(loads), 3),
            "save_to_loaded_seconds_max": round(max(loads), 3),
            "save_to_unloaded_seconds_median": round(statistics.median(unloads), 3),
        },
        "checks": [
            {"name": f"web RSS grows < {MAX_RSS_GROWTH_MB} MB across every panel page",
             "passed": growth < MAX_RSS_GROWTH_MB,
             "detail": f"{rss_started:.0f} MB → {rss_after:.0f} MB over {rounds + 1} rounds of "
                       f"{len(PANEL_PAGES)} pages"},
            {"name": "every panel page answered 200", "passed": not bad_pages, "detail": str(bad_pages or "all 200")},
            {"name": f"a saved preload change is loaded by the worker within {MAX_SAVE_TO_LOADED_SECONDS} s",
             "passed": max(loads) <= MAX_SAVE_TO_LOADED_SECONDS,
             "detail": f"median {statistics.median(loads):.2f} s, max {max(loads):.2f} s over {changes} changes"},
        ],
        "tables": [{"title": "Preload changes (POST of the form → worker report)",
                    "columns": ["change", "unload s", "load s"],
                    "rows": [[number + 1, round(unload, 3), round(load, 3)]
                             for number, (unload, load) in enumerate(zip(unloads, loads, strict=True))]}],
        "settings": {"rounds": rounds + 1, "pages": len(PANEL_PAGES), "changes": changes, "model": "tiny.en",
                     "worker": "celery prefork, concurrency 1"},
        "notes": [
            "RSS is the daphne process's resident memory (psutil), read from outside the process.",
            "Load time includes loading tiny.en (int8) from its pack in the worker's ModelManager.",
        ],
    }

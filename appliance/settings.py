"""The one settings module. Every knob comes from the environment through appliance.plumbing.env
(see the table in docs/architecture.md); a bad value stops the process at start."""
from pathlib import Path

from appliance.runtime import worker_command
from appliance.plumbing.data_dir import ensure_dir, read_or_create_secret
from appliance.plumbing.database_url import parse_database_url, sqlite_database
from appliance.plumbing.env import env_bool, env_choice, env_int, env_list, env_networks, env_path, env_secret, env_str
from appliance.plumbing.redis_urls import celery_broker_url, embedded_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent

DATA_DIR = ensure_dir(env_path("APPLIANCE_DATA_DIR", BASE_DIR / "data"))
MEDIA_ROOT = ensure_dir(DATA_DIR / "media")
MODELS_DIR = ensure_dir(DATA_DIR / "models")
TLS_DIR = env_path("APPLIANCE_TLS_DIR", DATA_DIR / "tls")
TLS_RELOAD_COMMAND = env_str("APPLIANCE_TLS_RELOAD_COMMAND", "")
# The appliance: a root systemd path unit watches this file and answers in <file>.status.
TLS_RELOAD_REQUEST_FILE = env_str("APPLIANCE_TLS_RELOAD_REQUEST_FILE", "")
RELEASE_ROOT = env_str("APPLIANCE_RELEASE_ROOT", "") or None

DEBUG = env_bool("APPLIANCE_DEBUG", False)
SECRET_KEY = env_secret("APPLIANCE_SECRET_KEY") or read_or_create_secret(DATA_DIR / "secret-key")
ALLOWED_HOSTS = env_list("APPLIANCE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("APPLIANCE_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "webui.views.errors.csrf_failure"

BEHIND_TLS_PROXY = env_bool("APPLIANCE_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    # nginx terminates TLS and sets X-Forwarded-Proto; without it Django would build http:// URLs
    # and refuse secure cookies.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise for a public domain; an appliance usually lives on a LAN name.
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # /healthz is probed over plain HTTP on the loopback by systemd, make run and the updater.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# X-Forwarded-For counts only from these (nginx on the appliance: 127.0.0.1); empty: never.
TRUSTED_PROXIES = env_networks("APPLIANCE_TRUSTED_PROXIES")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REDIS_URL = env_str("REDIS_URL", "") or embedded_redis_url(DATA_DIR)

MAX_UPLOAD_MB = env_int("APPLIANCE_MAX_UPLOAD_MB", 2048, minimum=1, maximum=1024 * 1024)
MAX_AUDIO_SECONDS = env_int("APPLIANCE_MAX_AUDIO_SECONDS", 14400, minimum=1, maximum=7 * 24 * 3600)
# An upload that would leave less than this free on the data disk is refused (507), and /healthz
# reports "degraded" below it: the database and running jobs need room too.
MIN_FREE_DISK_MB = env_int("APPLIANCE_MIN_FREE_DISK_MB", 1024, minimum=0, maximum=1024 * 1024)
MAX_LIVE_SESSIONS = env_int("APPLIANCE_MAX_LIVE_SESSIONS", 4, minimum=0, maximum=1000)
ALLOW_HUB_DOWNLOAD = env_bool("APPLIANCE_ALLOW_HUB_DOWNLOAD", False)
# Prometheus may scrape /metrics with this bearer token; unset: only logged-in admins may.
METRICS_TOKEN = env_secret("APPLIANCE_METRICS_TOKEN")
# The LLM endpoint's key, when the environment holds it; otherwise the panel keeps it in the data dir.
LLM_API_KEY = env_secret("APPLIANCE_LLM_API_KEY", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_prometheus",
    "appliance",
    "appliance.accounts",
    "appliance.jobs",
    "appliance.tokens",
    "appliance.live",
    "appliance.panel",
    "webui",
    "updater.web",
    "benchmarks.web",
]

MIDDLEWARE = [
    # First and last: request metrics for /metrics (django-prometheus) time the whole chain.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "webui.content_security_policy.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bearer API tokens set request.user before the login-required check runs.
    "appliance.tokens.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "appliance.accounts.middleware.LoginRequiredEverywhereMiddleware",
    "appliance.plumbing.disk_space.DiskFullMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "appliance.urls"
ASGI_APPLICATION = "appliance.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webui.context_processors.navigation",
                "appliance.panel.context_processors.tls_expiry_warning",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
DATABASES = {
    "default": parse_database_url(DATABASE_URL) if DATABASE_URL else sqlite_database(DATA_DIR / "db.sqlite3")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not the in-memory default: test workers in other processes must see the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "appliance",
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "appliance-channels"},
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "webui:upload"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS = env_int("APPLIANCE_LOGIN_FAILURES_PER_USER", 5, minimum=1, maximum=1000)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("APPLIANCE_LOGIN_FAILURES_PER_ADDRESS", 30, minimum=1, maximum=100000)
# From every address together; a browser that logged in to the account before is exempt
# (appliance.accounts.known_browser), `manage.py unlock_login` clears it.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env_int("APPLIANCE_LOGIN_FAILURES_PER_ACCOUNT", 20, minimum=1, maximum=100000)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("APPLIANCE_LOGIN_LOCKOUT_SECONDS", 900, minimum=1, maximum=86400)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("APPLIANCE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Collected static files are public and served by nginx (another user): world-readable,
    # unlike uploaded audio, which FILE_UPLOAD_PERMISSIONS keeps private.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# Every uploaded file streams into a neutral-named file on the data disk as it arrives (never
# whole in memory) and is renamed into media/ when accepted; the handler drops a file once it
# passes the limit. daphne's request body is spooled to the same dir (appliance.plumbing.web_server_limits).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(ensure_dir(DATA_DIR / "tmp"))
FILE_UPLOAD_HANDLERS = ["appliance.jobs.upload_handlers.StoredOnceUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Celery: a job's message is acknowledged only when the job ends, and a worker process that dies
# mid-job gives the message back, so no job is lost; the Transcription row guards against a
# second run (see appliance.jobs.tasks).
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest job (4 h of audio on a slow CPU), so Redis never hands a running
    # job to a second worker; a worker that vanished is covered by the orphan sweep instead.
    "visibility_timeout": env_int("APPLIANCE_CELERY_VISIBILITY_TIMEOUT", 12 * 3600, minimum=1),
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TRACK_STARTED = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# Every periodic task, listed here (not discovered): the orphan sweep and the update check.
CELERY_BEAT_SCHEDULE = {
    "jobs-requeue-orphans": {"task": "jobs.requeue_orphans", "schedule": 60.0},
    "updater-periodic-check": {"task": "updater.web.tasks.periodic_check", "schedule": 600.0},
}

# The worker's ModelManager (appliance.runtime.manager): which models stay loaded.
ENGINE_PRELOAD = env_list("APPLIANCE_PRELOAD_MODELS", ["tiny.en"])
ENGINE_DEVICE = env_str("APPLIANCE_DEVICE", "auto")
ENGINE_COMPUTE_TYPE = env_str("APPLIANCE_COMPUTE_TYPE", "auto")
ENGINE_CPU_THREADS = env_int("APPLIANCE_CPU_THREADS", 0, minimum=0, maximum=1024)
ENGINE_IDLE_TTL_SECONDS = env_int("APPLIANCE_MODEL_IDLE_TTL_SECONDS", 900, minimum=0)
DEFAULT_MODEL = env_str("APPLIANCE_DEFAULT_MODEL", "tiny.en")
# "dynamic": jobs share batches padded to their chunks' own length (appliance.engine.files.pooled_scheduler),
# with a threads-pool worker running WORKER_CONCURRENCY jobs at once in one process and one copy
# of each model. "faster-whisper": bare faster-whisper's pipeline, one job at a time in a prefork
# child (kept selectable as the reference the benchmarks compare against).
ENGINE_PIPELINE = env_choice("APPLIANCE_ENGINE_PIPELINE", "dynamic", ("dynamic", "faster-whisper"))
WORKER_CONCURRENCY = env_int("APPLIANCE_WORKER_CONCURRENCY", worker_command.DEFAULT_CONCURRENCY, minimum=1, maximum=64)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.request": {"level": "WARNING"}},
}

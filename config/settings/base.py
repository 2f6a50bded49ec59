"""Settings shared by every environment. Everything deployment-specific comes from the environment.

DATABASE_URL  unset → embedded SQLite (WAL, immediate transactions); postgres://… → PostgreSQL.
REDIS_URL     unset → Celery over a serverless SQLite transport, local-memory cache; redis://… → Redis.
"""
import datetime as dt
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("APP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789abcdef")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "axes",  # login throttling and lockout (accounts/throttle.py)
    "csp",  # Content-Security-Policy on every response
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",  # django-rules; loads each app's rules.py (plans/rules.py: supervises)
    "audit",  # the audit log: below every app that writes it
    "accounts",
    "background",  # the abstract background job (claim, lease, retry), its sweeper and status endpoint
    "plans",
    "tasks",
    "indicators",
    "supervision",
    "supervision.exports.apps.ExportsConfig",  # 台账/通报 export jobs (own tables and migrations)
    "publishing",  # the case library (先进经验) and carry-over links across plan years
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supervision.context_processors.notifications",
            ],
        },
    },
]

# --- Content-Security-Policy (django-csp) -----------------------------------------
# Scripts only from our own static files (no inline script, no handlers in attributes: they live in
# static/js/); a template that truly needs an inline script gives it nonce="{{ request.csp_nonce }}".
# Inline *styles* stay allowed: ECharts and Swagger UI write style attributes and a <style> block,
# and a style cannot run code. Nothing is loaded from another origin (intranet, no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
                # instead of one failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # Session settings for every connection. JIT compilation costs 50-80 ms per dashboard aggregate
    # (measured at province scale) and never pays back on queries this short; override with
    # PG_SESSION_OPTIONS (libpq `options`, e.g. "-c jit=on -c work_mem=16MB").
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str("PG_SESSION_OPTIONS", "-c jit=off")
    # Prepared statements: a query a connection has run PG_PREPARE_THRESHOLD times is prepared on
    # the server and not planned again (planning is most of the server's work for a page's keyed
    # lookups: 0.3 of 0.5 ms for the task page's). Needs server-side parameter binding. Turn off
    # (PG_PREPARED_STATEMENTS=0) behind a pooler in transaction mode such as PgBouncer's, which
    # cannot keep a statement on one server connection.
    if env_bool("PG_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True,
                                               prepare_threshold=env_int("PG_PREPARE_THRESHOLD", 5))

# --- Cache and Celery -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # The cache gets its own Redis database when possible: cache.clear() is FLUSHDB, and it must
    # never wipe the broker's queued messages.
    CACHES = {"default": {"BACKEND": "config.cache.ReusingRedisCache",  # Django's, one client per pool
                          "LOCATION": env_str("REDIS_CACHE_URL", REDIS_URL)}}
    # Sessions read from the shared cache, written through to the database (one query fewer on
    # every signed-in page). Only with a shared cache: with per-process LocMemCache a session ended
    # in one worker (logout) would live on in another worker's copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No server to install: kombu's SQLAlchemy transport keeps the queue in its own SQLite file.
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
# Each process's own memory, for what is keyed on everything it depends on and so can never be
# stale: the top bar's links ({% cache %} in base.html) and a copy of the kept page bodies
# (tasks.views._kept_page) in front of the shared cache.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local",
                   "OPTIONS": {"MAX_ENTRIES": 500}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a killed worker's message is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ALWAYS_EAGER = False
# A separate queue name lets integration tests sharing one Redis keep their messages apart.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Background jobs (imports, exports): a running job's worker renews its lease every third of it;
# a job whose lease ran out is re-queued by the sweeper (a new message) or, after JOBS_MAX_ATTEMPTS
# claims, failed for good with a message and a 重试 button. A queued job nobody took within a lease
# has its message sent again (the broker lost it).
JOBS_LEASE_SECONDS = env_int("JOBS_LEASE_SECONDS", 60)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
JOBS_SWEEP_SECONDS = env_int("JOBS_SWEEP_SECONDS", 30)
# One beat schedule for the whole project, keys say what runs.
CELERY_BEAT_SCHEDULE: dict = {
    # Reminder outbox: create due reminders and digests (safe to run twice), then enqueue sends.
    "supervision-scan-reminders": {"task": "supervision.scan_reminders",
                                   "schedule": float(env_int("SUPERVISION_SCAN_SECONDS", 600))},
    # Sign-in audit rows older than AUDIT_RETENTION_DAYS (never younger ones), nightly.
    "plans-prune-audit-log": {"task": "plans.prune_audit_log", "schedule": crontab(hour=3, minute=17)},
    # Background jobs whose worker died or whose message was lost: re-queue, resend or fail them.
    "background-sweep-jobs": {"task": "background.sweep_jobs", "schedule": float(JOBS_SWEEP_SECONDS)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "accounts.throttle.LoginThrottleBackend",  # refuses a locked-out username or address first
    "plans.backends.MemberBackend",  # ModelBackend; a signed-in user's membership and unit in the same query
]
# 等保 2.0 level 3 (GB/T 22239-2019 §8.1.4.1): lockout after repeated failures, session timeouts.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)             # per username
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30)     # per client address (offices share NAT)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]               # order read by LoginThrottleHandler
AXES_HANDLER = "accounts.throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"  # Chinese page, HTTP 429
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successes and failures are in the audit log (accounts/signals.py)
AXES_HTTP_RESPONSE_CODE = 429
# Trusted proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
CLIENT_IP_PROXY_COUNT = env_int("CLIENT_IP_PROXY_COUNT", 0)
# While the data changes between any two looks (month-end), the dashboard's figures are recomputed
# at most this often; the page shows when they were computed (supervision.dashboard.views).
DASHBOARD_MIN_REFRESH_SECONDS = env_int("DASHBOARD_MIN_REFRESH_SECONDS", 30)
# A task's page is kept rendered until anything audited changes, and at most this long (the bound
# for a write that bypasses the services: the admin, a bulk load).
TASK_PAGE_CACHE_SECONDS = env_int("TASK_PAGE_CACHE_SECONDS", 120)
# The header's unread count is kept this long: a new notification shows in the badge within it.
UNREAD_COUNT_SECONDS = env_int("UNREAD_COUNT_SECONDS", 30)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS  # the cookie never outlives the absolute limit
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 90)
# Audit rows (changes and login events) are kept at least this long; a daily job prunes older ones.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (等保 2.0: 审计记录保存不少于六个月)")

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploads and exports are stored here under random names and never served by URL (no /media/
# route): downloads go through views that check who may read the file (config/files.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# "" the app streams downloads; "nginx" answers with X-Accel-Redirect to PROTECTED_FILES_INTERNAL_URL
# (an `internal` location aliased to MEDIA_ROOT); "apache" with X-Sendfile (mod_xsendfile).
PROTECTED_FILES_SERVER = env_str("PROTECTED_FILES_SERVER", "")
PROTECTED_FILES_INTERNAL_URL = env_str("PROTECTED_FILES_INTERNAL_URL", "/protected-files/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Plans up to 50 MB are accepted by the importer; evidence files up to 20 MB.
PLAN_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Progress text shorter than this (characters of content) gets a gentle note (tasks.quality).
REPORT_MIN_CHARS = env_int("REPORT_MIN_CHARS", 15)
# The national-indicator keyword model (indicators.mapping); empty: the file shipped in the code.
# Point it at a copy outside the code for admins to edit; it is re-read when it changes.
INDICATOR_KEYWORDS_PATH = env_str("INDICATOR_KEYWORDS_PATH", "") or None

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF answers an unauthenticated request with the first class's challenge, so a
    # missing or bad token is 401 with `WWW-Authenticate: Token` (session auth has no challenge: 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a missing or expired token is a 401 with WWW-Authenticate, not a 403.
        "accounts.authentication.ExpiringTokenAuthentication",  # expiring, hashed, rotatable
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.BoundedPagination",  # capped count, bounded page size
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "config.inputs.FilterBackend",  # bounded integers in every filterset
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # a refused use case (config.refusals.Refused) is a 400 (409 stale) with its Chinese message
    "EXCEPTION_HANDLER": "config.refusals.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "营商环境行动方案督办系统 API",
    "DESCRIPTION": "方案、措施、单位、任务、指标与进展的接口。权限与页面一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # no map of the API for strangers
    # /api/docs/ loads Swagger UI from static/ (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "status"; name each choice set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.choices.PlanStatus",
        "ReportStatusEnum": "tasks.choices.ReportStatus",
        "DecisionEnum": "tasks.choices.Decision",  # keeps its name beside the links' decision below
        "MeasureLinkStatusEnum": "publishing.choices.LinkStatus",
        "NationalIndicatorEnum": "plans.choices.NationalIndicator",
        "MeasureLinkDecisionEnum": "publishing.choices.LinkDecision",
    },
}

# --- Mail -------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "yingshang@localhost")

# --- Supervision: reminders, channels, escalation -------------------------------------
SUPERVISION_DUE_SOON_WORKDAYS = env_int("SUPERVISION_DUE_SOON_WORKDAYS", 5)
# Overdue ladder: (working days overdue, reminder kind, audience). Audience is a Membership role.
SUPERVISION_LADDER = [
    (1, "overdue", "staff"),        # 提醒 the unit's staff
    (3, "urged", "unit_head"),      # 催办 to the unit head
    (7, "escalated", "supervisor"),  # 督办 to the supervisors, flagged for the monthly 通报
]
# A worker that claimed a digest and has not finished it after this long is presumed dead.
SUPERVISION_CLAIM_LEASE_SECONDS = env_int("SUPERVISION_CLAIM_LEASE_SECONDS", 300)
SUPERVISION_MAX_ATTEMPTS = env_int("SUPERVISION_MAX_ATTEMPTS", 8)
SUPERVISION_ROBOT_RATE = (env_int("SUPERVISION_ROBOT_RATE_LIMIT", 20), 60)  # messages per seconds, per robot
SUPERVISION_REMINDER_WINDOW_DAYS = 14  # reminders older than this are not sent out-of-app any more
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Robot webhooks may only go here (origins; https unless an entry says otherwise). Addresses that are
# or resolve to private, loopback or link-local networks are refused unless the entry's host is
# that IP literal (see supervision/channels/webhooks.py).
SUPERVISION_WEBHOOK_ALLOWLIST = env_list("SUPERVISION_WEBHOOK_ALLOWLIST",
                                         ["https://qyapi.weixin.qq.com", "https://oapi.dingtalk.com"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every attempt at INFO; the audit log has them (accounts/signals.py).
    "loggers": {"axes": {"level": "WARNING"}},
}

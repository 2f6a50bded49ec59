"""Settings shared by every environment. Everything deployment-specific comes from the environment.

DATABASE_URL  unset → embedded SQLite (WAL, immediate transactions); postgres://… → PostgreSQL.
REDIS_URL     unset → Celery over a serverless SQLite transport, local-memory cache; redis://… → Redis.
"""
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "plans",
    "tasks",
    "indicators",
    "supervision",
    "supervision.exports.apps.ExportsConfig",  # 台账/通报 export jobs (own tables and migrations)
    "publishing",  # the case library (先进经验) and carry-over links across plan years
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# --- Cache and Celery -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # The cache gets its own Redis database when possible: cache.clear() is FLUSHDB, and it must
    # never wipe the broker's queued messages.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env_str("REDIS_CACHE_URL", REDIS_URL)}}
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No server to install: kombu's SQLAlchemy transport keeps the queue in its own SQLite file.
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a killed worker's message is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ALWAYS_EAGER = False
# A separate queue name lets integration tests sharing one Redis keep their messages apart.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# One beat schedule for the whole project, keys say what runs.
CELERY_BEAT_SCHEDULE: dict = {
    # Reminder outbox: create due reminders and digests (safe to run twice), then enqueue sends.
    "supervision-scan-reminders": {"task": "supervision.scan_reminders", "schedule": 600.0},
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
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
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
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "营商环境行动方案督办系统 API",
    "DESCRIPTION": "方案、措施、单位、任务、指标与进展的接口。权限与页面一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ loads Swagger UI from static/ (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field called "status"; name each choice set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.choices.PlanStatus",
        "ReportStatusEnum": "tasks.choices.ReportStatus",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

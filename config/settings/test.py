import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True  # serve from app dirs without collectstatic
WHITENOISE_AUTOREFRESH = True
DASHBOARD_MIN_REFRESH_SECONDS = 0  # figures exact after every change; tests of the hold set it themselves
UNREAD_COUNT_SECONDS = 0  # the badge counted on every page; the test of the kept count sets it

# A file-backed SQLite test database, so that real Celery worker subprocesses started by
# integration tests see the same data as the test (an in-memory database is per-process).
# Named per process so that concurrent test runs in one checkout do not share a file.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
elif not os.environ.get("TEST_DB_SHARED"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
if not REDIS_URL and not os.environ.get("CELERY_BROKER_URL"):  # noqa: F405
    CELERY_BROKER_URL = f"sqla+sqlite:///{VAR_DIR / f'celery-broker-{os.getpid()}.sqlite3'}"  # noqa: F405

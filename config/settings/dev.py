from .base import *  # noqa: F403
from .base import env_bool

# Off unless asked for (`bin/run --debug` or DEBUG=1): bin/run is what an office runs, and Django's
# debug pages show settings, SQL and source to whoever triggers an error.
DEBUG = env_bool("DEBUG", False)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True  # serve from app dirs without collectstatic
WHITENOISE_AUTOREFRESH = True

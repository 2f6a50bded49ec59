"""Production: secrets and hosts only from the environment; HTTPS assumed behind a proxy."""
from .base import *  # noqa: F403
from .base import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind one reverse proxy (nginx) that appends the client to X-Forwarded-For: login throttling per
# address must see the client, not the proxy (else 30 failures anywhere would lock out everyone).
CLIENT_IP_PROXY_COUNT = env_int("CLIENT_IP_PROXY_COUNT", 1)

"""Production: PostgreSQL, Redis, Elasticsearch, real e-mail; refuses unsafe configuration."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .env import env_bool, env_int, env_required, env_str

SECRET_KEY = env_required("SECRET_KEY")
PERSONAL_DATA_KEYS = env_required("PERSONAL_DATA_KEYS").split(",")
PERSONAL_DATA_HASH_KEY = env_required("PERSONAL_DATA_HASH_KEY")
ACCESS_CODE_KEYS = env_required("ACCESS_CODE_KEYS").split(",")
if env_bool("DEBUG", False):
    raise ImproperlyConfigured("DEBUG must not be switched on in production.")
DEBUG = False
if env_bool("CAPTCHA_TEST_MODE", False):
    raise ImproperlyConfigured("CAPTCHA_TEST_MODE must not be switched on in production.")
CAPTCHA_TEST_MODE = False
CELERY_TASK_ALWAYS_EAGER = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Health probes of the orchestrator or load balancer talk plain HTTP to the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "appeals-prod")

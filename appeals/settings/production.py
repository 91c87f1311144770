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

# Backends that send nothing: the citizen would be told "we sent you a text" while it went to a log.
LOGGING_SMS_BACKENDS = {"notifications.sms.LoggingSMSBackend", "notifications.outbox.LoggingSMSBackend"}


def refuse_silent_sms(backend, disabled):
    """Production sends text messages through a real gateway, or says it sends none."""
    if backend in LOGGING_SMS_BACKENDS and not disabled:
        raise ImproperlyConfigured(
            "CASEWORK_SMS_BACKEND only writes text messages to the log. Configure a gateway "
            "(e.g. notifications.sms.TwilioSMSBackend) or set SMS_DISABLED=true to send no SMS."
        )


refuse_silent_sms(CASEWORK_SMS_BACKEND, SMS_DISABLED)  # noqa: F405 - from base

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

"""The test suite: fast hashing, in-memory e-mail, Celery eager unless a live worker is asked for."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR
from .env import env_bool, env_str

DEBUG = False
SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process; tests marked celery_worker switch this off around a real worker
# when CELERY_LIVE is set (CI's PostgreSQL pass, with CELERY_BROKER_URL on Redis).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_LIVE = env_bool("CELERY_LIVE", False)
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_STORAGE_ROOT = BASE_DIR / "var" / "test-private"
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "appeals-test")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Tests sign in directly; the two-factor and lockout tests switch these on.
STAFF_TWO_FACTOR_REQUIRED = False
AXES_ENABLED = False

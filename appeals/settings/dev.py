"""Local development: SQLite, Celery eager, console e-mail, database search."""

from .base import *  # noqa: F401,F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)
# The quick start signs in with the demo password alone; set this to 1 to try the second factor.
STAFF_TWO_FACTOR_REQUIRED = env_bool("STAFF_TWO_FACTOR_REQUIRED", False)

"""Settings for bench/submissions.py: production behaviour on a throwaway stack, plus the test captcha.

appeals.settings.production refuses CAPTCHA_TEST_MODE (and rightly so), and a load client cannot read
a captcha picture, so this starts from base and sets the production values by hand. Everything that
names a place (database, Redis, storage) comes from the environment that bench/submissions.py sets
for the gunicorn, Celery and manage.py processes it starts.
"""

from appeals.settings.base import *  # noqa: F401,F403
from appeals.settings.base import DATABASES, LOGGING
from appeals.settings.env import env_int, env_required, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# The bench talks to gunicorn directly on the loopback address.
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.bench_urls"

# As .env.example deploys it: workers keep their connection, so a killed backend is seen by the next
# request on that worker, not only by the ones in flight. CONN_HEALTH_CHECKS stays as base has it.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)

# Cache, sessions' token claims, rate limits and the broker all on the bench's private Redis, as in
# production; base already builds the django-redis cache from REDIS_URL.
REDIS_URL = env_required("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False

# A load client cannot read the picture; test mode accepts the word PASSED and costs the same
# database round trips as a real answer.
CAPTCHA_TEST_MODE = True
# Each simulated citizen sends its own X-Forwarded-For, as if behind one reverse proxy, so the
# per-address limits count each citizen apart instead of throttling the whole bench as one address.
TRUSTED_PROXY_COUNT = 1

# Real files on disk, so that uploads and orphaned files can be audited.
PRIVATE_STORAGE_ROOT = env_required("PRIVATE_STORAGE_ROOT")
MEDIA_ROOT = env_required("MEDIA_ROOT")

# The outbox and the worker's delivery run for real; only the SMTP hop is left out (no mail server).
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# PASSWORD_HASHERS are base's (Django's defaults): access codes cost what they cost in production.
# Secure cookies are not set: production sets them because TLS ends at its proxy, and the bench speaks
# plain HTTP to gunicorn, where a client would never send a Secure cookie back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Warnings and errors only: the servers' logs are kept for the report, not flooded by SMS log lines.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": env_str("LOG_LEVEL", "WARNING")}}

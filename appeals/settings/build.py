"""Building the image: compiling translations and collecting static files, with no secret at hand.

The production settings refuse to load without the keys, and an image must not carry them; what is
collected here has to match what production serves, so static storage is production's.
"""

from .base import *  # noqa: F401,F403

# Nothing is signed at build time; this only keeps Django from deriving anything from a real key.
SECRET_KEY = "image-build-only-never-used-to-sign-anything-0123456789"
DEBUG = False
# No service is reachable while an image builds: any code that tried one would fail the build.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
ELASTICSEARCH_URL = ""

# The manifest (hashed names) written here is what production's storage looks names up in.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

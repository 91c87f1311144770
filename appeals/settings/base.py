"""Settings shared by every environment; each value can come from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in e-mails and in links the admin builds.
SITE_BASE_URL = env_str("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "民意訴求服務中心")

INSTALLED_APPS = [
    "appeals",
    "portal",
    "casework",
    "reception",
    "search",
    "notifications",
    "reporting",
    "retention",
    "social",
    "mailroom",
    "demo",
    "partner_api",
    "citizen_accounts",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "captcha",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # After Wagtail: where two apps translate the same message (a form's "This field is required."),
    # the earlier one wins, and the portal's forms speak Wagtail's words.
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "appeals.middleware.PublicLocaleMiddleware",
    "appeals.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "citizen_accounts.middleware.CitizensStayOutOfTheBackOffice",
    "appeals.security.StaffSessionLifetimeMiddleware",
    "appeals.security.PermissionDeniedLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "appeals.security.StaffTwoFactorMiddleware",
    "portal.cache.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "appeals.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "appeals.urls"
WSGI_APPLICATION = "appeals.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.language",
                "portal.context_processors.text_messages",
            ],
        },
    },
]

# An embedded SQLite file unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            # A cache that is down or hangs must cost a request milliseconds, not a worker: every
            # caller treats a missing answer as a miss (see portal/ratelimit.py).
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env_float("CACHE_CONNECT_TIMEOUT", 0.25),
                "SOCKET_TIMEOUT": env_float("CACHE_TIMEOUT", 0.5),
            },
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "appeals"),
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Traditional Chinese is the source language of the office's content.
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The project's own catalogues first (makemessages writes there); locale/vendor fills what the
# admin's third-party packages leave untranslated (manage.py vendor_catalogues).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Taipei")
USE_I18N = True
# Our own input formats for the Chinese locales (ISO dates first, so date inputs keep their values).
FORMAT_MODULE_PATH = ["appeals.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Citizens' attachments never live under MEDIA_ROOT: they have no public URL.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# No page may call the internet: avatars are generated locally, never fetched from Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": "portal.translation.OpenCCTranslator", "OPTIONS": {}}

# E-mail
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "appeals@example.org")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery. One visibility timeout for broker and result backend, longer than any countdown we use,
# so that a late-acknowledged task is never delivered twice while it is still running.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
# Sending a task happens after a commit, inside a citizen's request: with the broker down it must give
# up within about a second (the row it works from is safe, and a periodic sweep sends it later).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# Elasticsearch: case search uses it when set, the database otherwise.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "appeals-dev")

# Captcha: test mode accepts the word PASSED; only dev and test may switch it on.
CAPTCHA_TEST_MODE = False
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_LENGTH = 5
CAPTCHA_IMAGE_SIZE = (150, 50)
CAPTCHA_FONT_SIZE = 32
# The audio alternative reads the characters aloud with flite (Debian package "flite"); where it is
# not installed the form offers no audio link rather than a broken one.
_FLITE = "/usr/bin/flite"
CAPTCHA_FLITE_PATH = env_str("CAPTCHA_FLITE_PATH", _FLITE if Path(_FLITE).exists() else None)

CASE_REFERENCE_PREFIX = env_str("CASE_REFERENCE_PREFIX", "MY")
# Public holidays and make-up workdays are preloaded for this region (ISO code, `holidays` package).
HOLIDAY_REGION = env_str("HOLIDAY_REGION", "TW")

# --- Casework ----------------------------------------------------------------------------------
# Dotted path of the class that sends text messages (notifications/sms.py, docs/channels-replies.md).
# The default only logs them, so nothing leaves the building until an operator plugs in the office's
# gateway, e.g. notifications.sms.TwilioSMSBackend; production refuses it unless SMS_DISABLED.
CASEWORK_SMS_BACKEND = env_str("CASEWORK_SMS_BACKEND", "notifications.sms.LoggingSMSBackend")
# The office sends no text messages: citizens are not offered them, and SMS in the outbox fail.
SMS_DISABLED = env_bool("SMS_DISABLED", False)
# Region of numbers typed without their country code ("0912 345 678" -> +886912345678).
SMS_DEFAULT_REGION = env_str("SMS_DEFAULT_REGION", "TW")
SMS_TIMEOUT_SECONDS = env_float("SMS_TIMEOUT_SECONDS", 10.0)
SMS_TWILIO_ACCOUNT_SID = env_str("SMS_TWILIO_ACCOUNT_SID")
SMS_TWILIO_AUTH_TOKEN = env_str("SMS_TWILIO_AUTH_TOKEN")
# The sender: a Twilio number in E.164, or a messaging service (which then picks the sender).
SMS_TWILIO_FROM = env_str("SMS_TWILIO_FROM")
SMS_TWILIO_MESSAGING_SERVICE_SID = env_str("SMS_TWILIO_MESSAGING_SERVICE_SID")
# Who gets the supervision notices (督辦通知) of an overdue stage, first rung first; every
# CASEWORK_SUPERVISION_REPEAT_DAYS the stage stays overdue, the next notice goes one rung up. Rungs
# are the names casework.escalation.recipients knows: handler, reviewer, supervisor, manager. A
# structure, not an environment variable: a mistyped rung would only show up as a failed round.
CASEWORK_ESCALATION_LADDER = ["handler", "reviewer", "supervisor", "manager"]
CASEWORK_SUPERVISION_REPEAT_DAYS = env_int("CASEWORK_SUPERVISION_REPEAT_DAYS", 3)
# Working days the responsible department has to answer a supervision notice (progress and expected
# completion date) when the supervisor does not set another date; the round's notices use it too.
CASEWORK_SUPERVISION_RESPONSE_DAYS = env_int("CASEWORK_SUPERVISION_RESPONSE_DAYS", 3)
# Seconds the dashboard's statistics may be old before a view asks a worker to recompute them; also
# how often at most a view looks, so a busy dashboard does not query or flood the broker.
STATISTICS_REFRESH_SECONDS = env_int("STATISTICS_REFRESH_SECONDS", 300)

# --- The office's complaint mailbox (mailroom/, docs/channels-mailbox.md) -----------------------
# Each new message in the IMAP folder becomes a case with channel e-mail. No host: the mailbox is off.
MAILBOX_IMAP_HOST = env_str("MAILBOX_IMAP_HOST")
MAILBOX_IMAP_PORT = env_int("MAILBOX_IMAP_PORT", 993)
MAILBOX_IMAP_USER = env_str("MAILBOX_IMAP_USER")
MAILBOX_IMAP_PASSWORD = env_str("MAILBOX_IMAP_PASSWORD")
# Implicit TLS (port 993) by default; STARTTLS upgrades a plain connection (port 143) instead.
MAILBOX_IMAP_SSL = env_bool("MAILBOX_IMAP_SSL", True)
MAILBOX_IMAP_STARTTLS = env_bool("MAILBOX_IMAP_STARTTLS", False)
MAILBOX_IMAP_TIMEOUT = env_int("MAILBOX_IMAP_TIMEOUT", 30)
MAILBOX_FOLDER = env_str("MAILBOX_FOLDER", "INBOX")
# Where a handled message goes; empty: it stays in MAILBOX_FOLDER, flagged as read.
MAILBOX_PROCESSED_FOLDER = env_str("MAILBOX_PROCESSED_FOLDER")
# How often the beat polls (the entry is created with this interval; staff may re-time it later).
MAILBOX_POLL_SECONDS = env_int("MAILBOX_POLL_SECONDS", 120)
# Messages handled per poll, so that one poll stays short; the rest wait for the next.
MAILBOX_BATCH_SIZE = env_int("MAILBOX_BATCH_SIZE", 50)
# A larger message goes to the review queue instead of becoming a case.
MAILBOX_MAX_MESSAGE_BYTES = env_int("MAILBOX_MAX_MESSAGE_BYTES", 30 * 1024 * 1024)
# The category of a case filed from the mailbox (intake corrects it when they accept the case).
MAILBOX_DEFAULT_CATEGORY = env_str("MAILBOX_DEFAULT_CATEGORY", "other")

# --- Public disclosure reports (portal/disclosure.py) ------------------------------------------
# Counts from 1 to this minus one are published as "<N", so a small count cannot point at a citizen.
DISCLOSURE_SUPPRESSION_THRESHOLD = env_int("DISCLOSURE_SUPPRESSION_THRESHOLD", 5)
# Shortest period (days) a report may cover: a shorter one holds so few cases that even suppressed
# counts could single someone out.
DISCLOSURE_MINIMUM_PERIOD_DAYS = env_int("DISCLOSURE_MINIMUM_PERIOD_DAYS", 28)

# Personal data at rest: Fernet keys, newest first (see casework/crypto.py). Empty in dev and tests,
# where a key derived from SECRET_KEY is used; production requires them.
PERSONAL_DATA_KEYS = env_list("PERSONAL_DATA_KEYS")
PERSONAL_DATA_HASH_KEY = env_str("PERSONAL_DATA_HASH_KEY")
# Keys of the HMAC over citizens' access codes, newest first (casework/crypto.py): separate from
# SECRET_KEY, so rotating one does not touch the other. Derived from SECRET_KEY in dev and tests.
ACCESS_CODE_KEYS = env_list("ACCESS_CODE_KEYS")
# Days after a case is closed (or a visit that opened no case is made) before its personal data is
# erased by the daily retention run (retention/services.py); statistics stay.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 1095)

# Social media (social app, docs/channels-social.md): a citizen's messages within this many minutes
# of their last one join one draft for intake; a signed webhook request older (or newer) than this
# many seconds is refused as a possible replay.
SOCIAL_DRAFT_WINDOW_MINUTES = env_int("SOCIAL_DRAFT_WINDOW_MINUTES", 30)
SOCIAL_REPLAY_WINDOW_SECONDS = env_int("SOCIAL_REPLAY_WINDOW_SECONDS", 300)
# The satisfaction questionnaire goes to the citizen this many days after their case is closed, and
# its link works for QUESTIONNAIRE_VALID_DAYS after it was sent (reception/inspections.py).
QUESTIONNAIRE_DAYS_AFTER_CLOSURE = env_int("QUESTIONNAIRE_DAYS_AFTER_CLOSURE", 3)
QUESTIONNAIRE_VALID_DAYS = env_int("QUESTIONNAIRE_VALID_DAYS", 60)

# Rate limits per client address and hour. X-Forwarded-For is believed only for this many proxies.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
APPEAL_SUBMISSIONS_PER_HOUR = env_int("APPEAL_SUBMISSIONS_PER_HOUR", 10)
SUGGESTION_SUBMISSIONS_PER_HOUR = env_int("SUGGESTION_SUBMISSIONS_PER_HOUR", 5)
TRACKING_ATTEMPTS_PER_HOUR = env_int("TRACKING_ATTEMPTS_PER_HOUR", 30)
# Wrong access codes from one address in an hour before its tracking form asks for a captcha.
TRACKING_FAILURES_BEFORE_CAPTCHA = env_int("TRACKING_FAILURES_BEFORE_CAPTCHA", 3)
# Wrong codes for one reference in a day before its lookups need a captcha, and before online
# lookup of it pauses for TRACKING_LOCK_MINUTES (staff are told; the right code works again after).
TRACKING_REFERENCE_FAILURES_BEFORE_CAPTCHA = env_int("TRACKING_REFERENCE_FAILURES_BEFORE_CAPTCHA", 3)
TRACKING_REFERENCE_FAILURES_BEFORE_LOCK = env_int("TRACKING_REFERENCE_FAILURES_BEFORE_LOCK", 10)
TRACKING_LOCK_MINUTES = env_int("TRACKING_LOCK_MINUTES", 60)
# Requests for a new access code per client and hour, and codes sent for one reference per day:
# each request replaces the code, so a stranger who knows a reference cannot flood its citizen.
NEW_ACCESS_CODE_REQUESTS_PER_HOUR = env_int("NEW_ACCESS_CODE_REQUESTS_PER_HOUR", 5)
NEW_ACCESS_CODES_PER_REFERENCE_PER_DAY = env_int("NEW_ACCESS_CODES_PER_REFERENCE_PER_DAY", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail.contrib.redirects": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this many idle seconds (each request extends them) and with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 3600)
SESSION_SAVE_EVERY_REQUEST = True
# However active, a staff session ends this many seconds after its sign-in (appeals.security).
STAFF_SESSION_MAX_AGE = env_int("STAFF_SESSION_MAX_AGE", 12 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Staff accounts ----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/address before the password is checked.
    # It watches the staff sign-in only (AXES_WHITELIST_CALLABLE); citizens' sign-ins have allauth's
    # own limits (ACCOUNT_RATE_LIMITS).
    "axes.backends.AxesStandaloneBackend",
    # Staff sign in by username; this backend refuses citizens' accounts.
    "citizen_accounts.backends.StaffBackend",
    # Citizens sign in by e-mail or phone; this backend refuses staff accounts and back-office paths.
    "citizen_accounts.backends.CitizenBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Locked per username *and* address, so nobody elsewhere can lock a named account out by guessing.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address as the rate limits see it, not the proxy's: otherwise every sign-in from behind
# the proxy shares one address, and five wrong guesses from anywhere lock the account for everyone.
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "appeals.security.lockout_response"
AXES_WHITELIST_CALLABLE = "citizen_accounts.backends.not_a_staff_sign_in"
AXES_VERBOSE = False
# A second factor (authenticator app) for everyone who signs in to the back office.
STAFF_TWO_FACTOR_REQUIRED = env_bool("STAFF_TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# --- The partner API (partner_api): Open311 GeoReport v2 and the project's own JSON API -----------
# Each view names its own authentication, permissions and throttle; only the schema class is global.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Public appeals: API for partner systems",
    "DESCRIPTION": (
        "File cases for citizens and follow them: Open311 GeoReport v2 under /open311/v2/ and the "
        "office's own JSON API under /api/v1/. Authenticate with `Authorization: Api-Key <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["partner_api.schema.only_partner_endpoints"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partner_api.schema.open311_formats",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Open311 answers errors as a list of {code, description}, like its results.
    "ENABLE_LIST_MECHANICS_ON_NON_2XX": True,
    "ENUM_NAME_OVERRIDES": {"CategoryEnum": "casework.models.Category"},
}
# Seconds a partner's callback server has to answer one status document before it is retried.
PARTNER_CALLBACK_TIMEOUT = env_float("PARTNER_CALLBACK_TIMEOUT", 10.0)

# --- Content-Security-Policy (django-csp); the admin gets its own, looser one in appeals.security --
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Citizen accounts (django-allauth; citizen_accounts, docs/channels-accounts.md) --------------
# Optional for citizens: filing and tracking with reference and access code work without one.
ACCOUNT_ADAPTER = "citizen_accounts.adapter.CitizenAccountAdapter"
# A phone number is verified by SMS, so an office that sends none (SMS_DISABLED) offers e-mail only.
ACCOUNT_LOGIN_METHODS = {"email"} if SMS_DISABLED else {"email", "phone"}
ACCOUNT_FORMS = {"login": "citizen_accounts.forms.CitizenLoginForm"}
ACCOUNT_SIGNUP_FIELDS = ["email*", *([] if SMS_DISABLED else ["phone"]), "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# The username is random (never typed nor shown); messages name the citizen by e-mail address.
ACCOUNT_USER_DISPLAY = "citizen_accounts.adapter.user_display"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Codes typed on the site rather than links: they work in any mail reader and need no script.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = not SMS_DISABLED
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# Never say whether an e-mail address or phone number has an account.
ACCOUNT_PREVENT_ENUMERATION = True
# Citizens' sessions end with the browser and after SESSION_COOKIE_AGE idle seconds, like staff's.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_BASE_URL.startswith("https") else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = env_str("ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
# allauth's rate limits (per client address "ip", per e-mail/phone "key", per account "user"), kept
# in the cache; see allauth's ACCOUNT_RATE_LIMITS for the actions. Each may be set from the
# environment in allauth's notation, e.g. CITIZEN_LOGIN_FAILED_LIMIT="10/m/ip,5/5m/key".
ACCOUNT_RATE_LIMITS = {
    "login": env_str("CITIZEN_LOGIN_LIMIT", "30/m/ip"),
    "login_failed": env_str("CITIZEN_LOGIN_FAILED_LIMIT", "10/m/ip,5/5m/key"),
    "signup": env_str("CITIZEN_SIGNUP_LIMIT", "20/m/ip"),
    "request_login_code": env_str("CITIZEN_LOGIN_CODE_LIMIT", "20/m/ip,3/m/key"),
    "confirm_email": env_str("CITIZEN_CONFIRM_EMAIL_LIMIT", "1/10s/key"),
    "verify_phone": env_str("CITIZEN_VERIFY_PHONE_LIMIT", "1/30s/key,10/h/ip"),
    "reset_password": env_str("CITIZEN_RESET_PASSWORD_LIMIT", "20/m/ip,5/m/key"),
    "reset_password_from_key": env_str("CITIZEN_RESET_PASSWORD_FROM_KEY_LIMIT", "20/m/ip"),
    "change_password": "5/m/user",
    "change_phone": "1/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/ip",
}
LOGIN_REDIRECT_URL = "citizen_my_appeals"
# The sign-in page shows allauth's "You have signed out." (the portal's cached pages show no messages).
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

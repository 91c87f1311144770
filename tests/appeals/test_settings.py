"""Each settings mode loads; production refuses what is unsafe and passes Django's deploy checks."""

import secrets

import pytest

from tests.conftest import run_manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "appeals.settings.production",
    "PERSONAL_DATA_KEYS": "x2pGQyYkM9mL0sK8vVfK3nq3bYtY8tq3bW8Zb1hZ0bE=",
    "PERSONAL_DATA_HASH_KEY": "a-long-random-hash-key-for-lookups-0123456789",
    "ACCESS_CODE_KEYS": "a-long-random-access-code-key-0123456789abcdef",
    "ALLOWED_HOSTS": "appeals.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    # No SMS gateway in these runs: production starts only when it says it sends no SMS.
    "SMS_DISABLED": "true",
}


@pytest.mark.parametrize("mode", ["dev", "test"])
def test_settings_mode_loads(mode):
    result = run_manage("check", env={"DJANGO_SETTINGS_MODULE": f"appeals.settings.{mode}"})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env=PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must not be switched on" in result.stderr


def test_production_refuses_captcha_test_mode():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), "CAPTCHA_TEST_MODE": "1"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "CAPTCHA_TEST_MODE" in result.stderr


def test_production_passes_deploy_checks():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_reads_services_from_environment():
    env = {
        **PRODUCTION,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "postgres://appeals:pw@db.internal:5432/appeals",
        "REDIS_URL": "redis://cache.internal:6379/1",
        "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
        "ELASTICSEARCH_URL": "http://search.internal:9200",
        "DEFAULT_FROM_EMAIL": "office@example.org",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CACHES['default']['BACKEND'],"
        " s.CELERY_BROKER_URL, s.ELASTICSEARCH_URL, s.DEFAULT_FROM_EMAIL, s.CELERY_TASK_ALWAYS_EAGER,"
        " s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "django_redis.cache.RedisCache",
        "redis://cache.internal:6379/0",
        "http://search.internal:9200",
        "office@example.org",
        "False",
        "True",
        "31536000",
    ]


def test_dev_defaults_are_embedded():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
        " s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'])"
    )
    env = {"DJANGO_SETTINGS_MODULE": "appeals.settings.dev"}
    for name in ("DATABASE_URL", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_BACKEND"):
        env[name] = ""
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "wagtail.search.backends.database",
    ]


def test_celery_settings_are_safe_for_late_acknowledgement(settings):
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_ACKS_LATE is True
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout == settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout >= 3600
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_env_example_documents_every_variable_the_settings_read():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    documented = set(re.findall(r"^([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    read = set()
    for path in (root / "appeals" / "settings").glob("*.py"):
        read |= set(re.findall(r'env_(?:str|bool|int|float|list|required)\("([A-Z_]+)"', path.read_text()))
    assert sorted(read - documented) == []


def test_production_refuses_to_start_without_personal_data_keys():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), "PERSONAL_DATA_KEYS": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS must be set" in result.stderr

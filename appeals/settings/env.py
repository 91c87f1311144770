"""Reading configuration from the environment, in one place."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}


def env_str(name, default=""):
    # An empty variable counts as unset: compose files and .env templates often leave them blank.
    return os.environ.get(name) or default


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_VALUES


def _env_number(name, default, kind, description):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return kind(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {description}, not {value!r}") from exc


def env_int(name, default):
    return _env_number(name, default, int, "a whole number")


def env_float(name, default):
    return _env_number(name, default, float, "a number")


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_required(name):
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value

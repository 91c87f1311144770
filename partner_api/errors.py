"""Errors as partners read them: never a 500 for what they sent, messages in the request's language.

The project's own API keeps DRF's shapes ({"field": ["message"]}, {"detail": "…"}); Open311 views
answer the spec's list of {code, description}.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from casework.workflow import TransitionNotAllowed

logger = logging.getLogger(__name__)


def _flatten(detail, field=""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key not in ("non_field_errors", "detail") else ""
            yield from _flatten(value, f"{field}.{name}" if field and name else (name or field))
    elif isinstance(detail, list):
        for item in detail:
            yield from _flatten(item, field)
    else:
        yield f"{field}: {detail}" if field else str(detail)


def open311_errors(status_code, detail):
    return [{"code": status_code, "description": text} for text in _flatten(detail)]


def handle(exc, context):
    if isinstance(exc, TransitionNotAllowed):
        exc = exceptions.ValidationError({"detail": [str(exc.message)]})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.messages)
    response = exception_handler(exc, context)
    if response is None:
        return None
    view = context.get("view")
    if getattr(view, "open311", False):
        response.data = open311_errors(response.status_code, response.data)
    return response


def open311_error(status_code, description):
    return Response([{"code": status_code, "description": str(description)}], status=status_code)

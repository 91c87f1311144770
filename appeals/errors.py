"""Error pages that must render without the database."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation

from portal.context_processors import html_lang

logger = logging.getLogger("appeals")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable(request):
    """503 "please try again": the database dropped the connection or refused it.

    Nothing is half-written when that happens (each filing and each step is one transaction), so
    sending the same form again is safe: a form filed before the connection dropped shows its receipt.
    """
    try:
        response = render(request, "503.html", status=503)
    except Exception:  # noqa: BLE001 - the page must not fail for want of what it could not reach
        response = HttpResponse("Please try again in a moment.", status=503, content_type="text/plain")
    response["Retry-After"] = "30"
    return response


def server_error(request, template_name="500.html"):
    """handler500: the site's own error page, in the language of the address.

    A database outage met outside a view (a session saved as the response leaves, say) gets the
    "try again" page instead. Anything else may have broken the database, the cache or the context
    processors, so the page is rendered from the address alone: no request context, no query.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, type(error).__name__
        )
        return service_unavailable(request)
    language = error_page_language(request)
    try:
        with translation.override(language):
            html = loader.get_template(template_name).render(
                {"html_lang": html_lang(language), "home_url": f"/{language}/"}
            )
        return HttpResponseServerError(html)
    except Exception:  # noqa: BLE001 - the page must not fail for want of what it could not reach
        return HttpResponseServerError("Server error", content_type="text/plain")


def error_page_language(request):
    """The language prefix of the address (/zh-hant/, /zh-hans/, /en/); elsewhere the language the
    locale middleware chose from the visitor's cookie or browser, if it got that far."""
    language = translation.get_language_from_path(request.path_info)
    if language is None:
        language = getattr(request, "LANGUAGE_CODE", None)
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE

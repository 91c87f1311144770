"""Error pages that must render without the database."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.views.defaults import server_error as django_server_error

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
    """handler500: a database outage met outside a view (a session saved as the response leaves,
    say) still gets the "try again" page rather than a generic error."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, type(error).__name__
        )
        return service_unavailable(request)
    try:
        return django_server_error(request, template_name)
    except Exception:  # noqa: BLE001
        return HttpResponseServerError("Server error", content_type="text/plain")

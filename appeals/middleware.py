import logging

from django.middleware.locale import LocaleMiddleware

logger = logging.getLogger("appeals")


class PublicLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus its 404 → /<lang>/… redirect outside the public site.

    The Wagtail page catch-all makes every /<lang>/… path look valid, so a 404 anywhere (say, a
    handler typing another department's case URL in the admin) would become a redirect instead of
    a plain "not found".
    """

    NOT_LOCALISED = (
        "/admin/",
        "/django-admin/",
        "/documents/",
        "/captcha/",
        "/i18n/",
        "/static/",
        "/media/",
        "/api/",
        "/open311/",
    )

    def process_response(self, request, response):
        if request.path_info.startswith(self.NOT_LOCALISED):
            response.headers.setdefault("Content-Language", getattr(request, "LANGUAGE_CODE", ""))
            return response
        return super().process_response(request, response)


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection answers 503 "try again", not a bare 500.

    Nothing is half-written when it happens (each filing and each step is one transaction), so
    sending the same form again is safe: a form filed before the connection dropped shows its receipt.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import DATABASE_ERRORS, service_unavailable

        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, type(exception).__name__
        )
        return service_unavailable(request)

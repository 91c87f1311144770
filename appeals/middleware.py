from django.middleware.locale import LocaleMiddleware


class PublicLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus its 404 → /<lang>/… redirect outside the public site.

    The Wagtail page catch-all makes every /<lang>/… path look valid, so a 404 anywhere (say, a
    handler typing another department's case URL in the admin) would become a redirect instead of
    a plain "not found".
    """

    NOT_LOCALISED = ("/admin/", "/django-admin/", "/documents/", "/captcha/", "/i18n/", "/static/", "/media/")

    def process_response(self, request, response):
        if request.path_info.startswith(self.NOT_LOCALISED):
            response.headers.setdefault("Content-Language", getattr(request, "LANGUAGE_CODE", ""))
            return response
        return super().process_response(request, response)

"""Links to the public site for messages that leave it (e-mails, SMS): absolute, from the Wagtail
Site's host and port, never from the request that happened to queue the message."""

from urllib.parse import urlencode

from django.conf import settings
from wagtail.models import Locale


def tracking_page(language=None):
    """The live tracking page in the language, else in the site's default language, else any."""
    from .models import TrackingPage

    pages = TrackingPage.objects.live().select_related("locale")
    for code in (language, settings.LANGUAGE_CODE):
        if not code:
            continue
        locale = Locale.objects.filter(language_code__iexact=code).first()
        page = pages.filter(locale=locale).first() if locale else None
        if page is not None:
            return page
    return pages.first()


def tracking_url(reference="", language=None):
    """The tracking page's absolute address with the reference filled in ("" when there is no page).

    Only the reference goes into the link: the access code never travels in a URL, which ends up in
    browser histories, proxies and server logs.
    """
    page = tracking_page(language)
    if page is None:
        return ""
    url = page.get_full_url()
    if not url:
        return ""
    return f"{url}?{urlencode({'reference': reference})}" if reference else url

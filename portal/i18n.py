"""The same page in the other languages: for the language switcher, hreflang and the sitemap."""

from django.conf import settings
from wagtail.models import Page

from .context_processors import html_lang


def language_homes():
    """Each language's live home page, keyed by language code."""
    from .models import HomePage

    return {home.locale.language_code: home for home in HomePage.objects.live().select_related("locale")}


def alternates(page, request=None):
    """[(code, name, hreflang, url, is_translation)] for every configured language.

    A language without a live translation of ``page`` falls back to that language's home page."""
    homes = None
    translations = {}
    if page is not None:
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation
    result = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code)
        exact = target is not None
        if target is None:
            homes = homes if homes is not None else language_homes()
            target = homes.get(code)
        url = target.get_url(request) if target is not None else f"/{code}/"
        result.append({"code": code, "name": name, "hreflang": html_lang(code), "url": url, "exact": exact})
    return result


def navigation(language_code):
    """The main menu: the language home's live children marked "show in menus"."""
    homes = language_homes()
    home = homes.get(language_code) or homes.get(settings.LANGUAGE_CODE)
    if home is None:
        return None, []
    return home, list(Page.objects.child_of(home).live().public().in_menu())

from django import template
from django.utils.translation import get_language

from portal import i18n, placeholders

register = template.Library()


@register.simple_tag(takes_context=True)
def page_alternates(context):
    return i18n.alternates(context.get("page"), context.get("request"))


@register.simple_tag
def portal_generation():
    """The page cache's current generation: a key part that changes whenever content does."""
    from portal.cache import generation

    return generation()


@register.simple_tag
def main_navigation():
    home, items = i18n.navigation(get_language())
    return {"home": home, "items": items}


@register.filter
def footer_for(portal_settings, language_code):
    return portal_settings.footer_for(language_code)


@register.filter(is_safe=True)
def fill_placeholders(html):
    """The office's current stage limits and name in place of {reply_days}, {office} and the like."""
    return placeholders.fill_html(html)

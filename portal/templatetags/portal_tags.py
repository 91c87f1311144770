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


@register.simple_tag
def reception_hours():
    """The reception page's weekly hours in one line, in the active language, and the address of the
    reception page in that language: {"text", "url"}, or None without a live reception page.

    Read inside the footer's and the FAQ's cached fragments: publishing the reception page starts a
    new page-cache generation, so changed hours show at once."""
    from portal.models import ReceptionPage

    source = ReceptionPage.hours_source()
    if source is None:
        return None
    shown = source.localized
    return {"text": source.hours_text(), "url": shown.url if shown.live else source.url}


# The design system's class for each kind of Django widget (BoundField.widget_type).
_WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
    "portalcaptcha": "govuk-input govuk-input--width-10",
}


@register.filter
def govuk_widget(field):
    """The field's widget with GOV.UK Frontend classes, so any form rendered through
    portal/appeal_field.html looks the same without each form class knowing about the design."""
    css = _WIDGET_CLASSES.get(field.widget_type, "govuk-input")
    if field.errors:
        suffix = {"govuk-textarea": "govuk-textarea--error", "govuk-select": "govuk-select--error"}
        first = css.split()[0]
        if first in suffix:
            css += " " + suffix[first]
        elif first in {"govuk-input", "govuk-file-upload"}:
            css += f" {first}--error"
    existing = field.field.widget.attrs.get("class")
    return field.as_widget(attrs={"class": f"{existing} {css}" if existing else css})

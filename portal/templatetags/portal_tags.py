from django import template
from django.utils.translation import get_language

from portal import i18n

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

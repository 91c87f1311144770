"""Named placeholders in page text, filled when the page is shown.

The measures were written as a template ("在[X]個工作日內", "公司/組織"); the office's own figures
live in Settings → Stage time limits and change without anyone editing the pages. An editor writes
``{screening_days}``, ``{routing_days}``, ``{handling_plan_days}``, ``{reply_days}``,
``{follow_up_days}`` or ``{office}`` and the page shows the current value, in the page's language.
Any other text in braces is left as it is.
"""

import re

from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

LIMITS = ("screening_days", "routing_days", "handling_plan_days", "reply_days", "follow_up_days")
PLACEHOLDER = re.compile(r"\{(" + "|".join(("office", *LIMITS)) + r")\}")


def current_values():
    """What each placeholder stands for now, in the active language."""
    from casework.models import StageLimits

    limits = StageLimits.load()
    values = {name: str(getattr(limits, name)) for name in LIMITS}
    values["office"] = gettext("Public Appeals Office")
    return values


def fill(text, values=None):
    """Plain text with its placeholders filled."""
    if not text or "{" not in text:
        return text
    values = values if values is not None else current_values()
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def fill_html(html, values=None):
    """Rendered HTML with its placeholders filled; anything not already safe is escaped first."""
    html = conditional_escape(html)
    if "{" not in html:
        return html
    values = values if values is not None else current_values()
    return mark_safe(PLACEHOLDER.sub(lambda match: escape(values[match.group(1)]), html))

"""What of an inspection the portal publishes (reception measures §六(二)): the rectification of its
findings, without personal data. Kept apart from the services that send messages, so that the portal
page reading it depends on nothing but the models."""

import re

# The inspections models alone: the portal's page types import this module, and the models package
# also loads the booking page with its views (which build on the portal).
from .models.inspections import Inspection

# Taken out of published text as a safeguard, as the outbox takes them out of its error log.
EMAIL_ADDRESS = re.compile(r"[^\s@'\"<>(),;:\[\]{}]+@[^\s@'\"<>(),;:\[\]{}]+")
PHONE_NUMBER = re.compile(r"\+?\d(?:[\s().-]*\d){6,}")


def published_inspections():
    return Inspection.objects.filter(published=True).prefetch_related("findings", "inspectors")


def public_text(text):
    """Text written for the public, with any e-mail address or telephone number taken out as a
    safeguard: published summaries must carry no personal data."""
    return PHONE_NUMBER.sub("[…]", EMAIL_ADDRESS.sub("[…]", text or ""))


def public_inspectors(inspection):
    """The inspectors' names for the public page: only when the inspection says they may be named."""
    if not inspection.inspectors_public:
        return ""
    names = [user.get_full_name() or user.get_username() for user in inspection.inspectors.all()]
    names += [name.strip() for name in inspection.outside_inspectors.split(",") if name.strip()]
    return ", ".join(names)

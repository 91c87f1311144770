"""The suggestion box about the reception service (reception measures §六(二)): suggestions left by
the public without an account, marked handled by staff."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

# The inspections models alone: the portal's page types import this module, and the models package
# also loads the booking page with its views (which build on the portal).
from .models.inspections import Suggestion


def file_suggestion(text, contact_name="", contact="", language=""):
    return Suggestion.objects.create(
        text=text.strip(),
        contact_name=contact_name.strip(),
        contact=contact.strip(),
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )


def mark_suggestion_handled(suggestion, user, note="", now=None):
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.handled_at is None:
            suggestion.handled_at = now or timezone.now()
            suggestion.handled_by = user
        suggestion.handling_note = note
        suggestion.save()
    return suggestion

"""The demo's confidentiality agreement: version 1 in effect, accepted by every demo account, so the
demo shows personal data to the roles that see it, as before agreements existed. Safe to re-run."""

from django.contrib.auth import get_user_model
from django.db import transaction

from casework import roles
from reception import agreements
from reception.models import AgreementAcceptance


@transaction.atomic
def load_agreements(usernames, stdout=None):
    current = agreements.ensure_default_agreement()
    if current is None:
        return None
    if current.published_by_id is None:
        # Shown as published by the demo's manager (the migration's version 1 has no author).
        manager = get_user_model().objects.filter(groups__name=roles.MANAGER, username__in=usernames).first()
        if manager is not None:
            current.published_by = manager
            current.save(update_fields=["published_by"])
    for user in get_user_model().objects.filter(username__in=usernames):
        AgreementAcceptance.objects.get_or_create(agreement=current, user=user)
    if stdout is not None:
        stdout.write(f"Confidentiality agreement version {current.version} accepted by the demo staff.")
    return current

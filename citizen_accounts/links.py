"""Which cases a citizen account holds, and the account's data: linking, claiming, erasing, export.

A case joins an account when it is filed while the citizen is signed in, or when the citizen adds
an older case with its reference and access code (claim). Claiming goes through the tracking
page's own check of the code (portal.appeals.open_with_code), so wrong codes count toward the same
captcha and pause: an account is no way around the tracking page's protection against guessing.
"""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework import citizen_vocabulary
from casework.models import Case

from .models import CaseLink, CitizenAccount, case_hash


def account_of(user):
    """The user's citizen account, or None (anonymous visitors and staff have none)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.citizen_account
    except CitizenAccount.DoesNotExist:
        return None


def is_citizen(user):
    return account_of(user) is not None


def new_citizen(email, password, phone="", phone_verified=False):
    """A citizen account whose e-mail address is already verified (the demo's, the tests')."""
    user = get_user_model().objects.create_user(
        username=f"citizen-{secrets.token_hex(8)}", email=email, password=password
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return CitizenAccount.objects.create(user=user, phone=phone, phone_verified=phone_verified)


def link(account, case, how):
    """Add the case to the account (once; a second link of the same case changes nothing)."""
    if CaseLink.objects.filter(account=account, case_hash=case_hash(case.pk)).exists():
        return False
    try:
        with transaction.atomic():
            CaseLink.objects.create(
                account=account, case_ref=str(case.pk), case_hash=case_hash(case.pk), how=how
            )
    except IntegrityError:
        return False  # the same case added twice at once
    return True


def link_filed_case(case, user):
    """portal.appeals' filing hook: a case filed by a signed-in citizen joins their account."""
    account = account_of(user)
    if account is not None:
        link(account, case, CaseLink.How.FILED)


def linked_cases(account):
    """The account's cases, newest first, each with .how_linked and .linked_at set."""
    links = {link.case_id: link for link in account.case_links.all()}
    cases = list(Case.objects.filter(pk__in=links).order_by("-received_at", "-pk"))
    for case in cases:
        case.how_linked = links[case.pk].get_how_display()
        case.linked_at = links[case.pk].linked_at
    return cases


def linked_case(account, reference):
    """The account's case with this reference, or None (another citizen's case is None too)."""
    case = Case.objects.filter(reference__iexact=(reference or "").strip()).first()
    if case is None or not CaseLink.objects.filter(account=account, case_hash=case_hash(case.pk)).exists():
        return None
    return case


def cases_linked():
    """Ids of every case some account holds (retention erases the links with the case)."""
    return {link.case_id for link in CaseLink.objects.only("case_ref")}


def erase_links_of_case(case):
    """Part of the case's erasure: it leaves every account that held it."""
    deleted, _by_model = CaseLink.objects.filter(case_hash=case_hash(case.pk)).delete()
    return [f"citizen account links ({deleted})"] if deleted else []


def delete_account(user):
    """Erase the citizen's account: its links, phone, e-mail addresses and the user row itself.

    The cases stay, under the retention rules like any case; only their link to the account goes.
    """
    with transaction.atomic():
        user.delete()


def export(account):
    """The citizen's own data, as the JSON download gives it (no staff names, no internal notes)."""
    user = account.user
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
            ],
            "phone": account.phone,
            "phone_verified": account.phone_verified,
            "created_at": account.created_at.isoformat(),
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        },
        "cases": [_case_export(case) for case in linked_cases(account)],
    }


def _case_export(case):
    return {
        "reference": case.reference,
        "how_added": str(case.how_linked),
        "added_at": case.linked_at.isoformat(),
        "received_at": case.received_at.isoformat(),
        "category": str(case.get_category_display()),
        "status": str(case.get_status_display()),
        "what_you_wrote": {
            "subject": case.subject,
            "content": case.content,
            "satisfaction": str(case.get_satisfaction_display()) if case.satisfaction else None,
        },
        # The public timeline as the tracking page shows it; "by_you" marks what the citizen wrote.
        "timeline": [
            {
                "at": event.created_at.isoformat(),
                "what": str(citizen_vocabulary.label(event.kind)),
                "text": str(citizen_vocabulary.text(event) or ""),
                "by_you": citizen_vocabulary.by_citizen(event),
            }
            for event in citizen_vocabulary.public_events(case)
        ],
    }

"""The confidentiality agreement's rules (measures 001 §七(二)2; docs/security.md "Confidentiality
agreements"): which version is current, who has accepted it, publishing a new version, accepting.

The gate itself is casework.access.has_accepted_confidentiality, called by
access.personal_data_department_ids, the one function every showing of a citizen's personal data
goes through (case page, print, attachments, ledger names, search on personal data). Without a
current version nobody sees personal data: the office fails closed, never open.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from casework import access, roles
from casework.workflow import TransitionNotAllowed

from .models import AgreementAcceptance, ConfidentialityAgreement

# Who publishes a new version (the office's management and the appeals management department), and
# who reads the list of acceptances (they, and the auditors who check it).
PUBLISHERS = (roles.MANAGER, roles.SUPERVISOR)
LIST_READERS = (roles.AUDITOR, roles.MANAGER, roles.SUPERVISOR)

# The first version: published by the migration that creates the tables and by the demo, so a new or
# upgraded office has a text to accept at once (managers replace it by publishing version 2).
DEFAULT_EFFECTIVE_ON = date(2020, 1, 1)
DEFAULT_TEXT = {
    "text_zh_hant": (
        "本人承諾：對於在民意訴求及公民接待工作中知悉的訴求人身份、聯絡方式、地址、附件及內部處理意見，"
        "嚴格保密，僅為處理訴求所必需而查閱及使用；不向無關人員透露，不複製、不外傳；"
        "離職或調任後仍負保密責任。違反本協議者，依法依規追究責任。"
    ),
    "text_zh_hans": (
        "本人承诺：对于在民意诉求及公民接待工作中知悉的诉求人身份、联络方式、地址、附件及内部处理意见，"
        "严格保密，仅为处理诉求所必需而查阅及使用；不向无关人员透露，不复制、不外传；"
        "离职或调任后仍负保密责任。违反本协议者，依法依规追究责任。"
    ),
    "text_en": (
        "I undertake to keep confidential the identity, contact details, address, attachments and internal "
        "handling opinions of citizens that I learn of in handling appeals and receiving visitors; to look "
        "at and use them only as handling the appeal requires; not to disclose, copy or pass them on to "
        "anyone not concerned; and to remain bound after I leave or change post. A breach is dealt with "
        "according to law and the office's rules."
    ),
}


def current_agreement(today=None):
    """The latest published version already in effect, or None."""
    today = today or timezone.localdate()
    return ConfidentialityAgreement.objects.filter(effective_on__lte=today).order_by("-version").first()


def upcoming_agreements(today=None):
    """Published versions taking effect later: staff may accept them ahead."""
    today = today or timezone.localdate()
    return ConfidentialityAgreement.objects.filter(effective_on__gt=today).order_by("version")


def has_accepted_current(user):
    """Whether the user accepted the version in effect; False when there is none (fail closed).
    Cached on the user object for the request, like its roles; accept() clears it."""
    return access.has_accepted_confidentiality(user)


def forget_cached(user):
    if hasattr(user, "_confidentiality_accepted"):
        del user._confidentiality_accepted


def accept(user, agreement):
    """Record the user's acceptance of this published version (current or upcoming); accepting twice
    keeps the first time."""
    if not getattr(user, "is_authenticated", False):
        raise TransitionNotAllowed(_("Sign in to accept the confidentiality agreement."))
    if agreement.effective_on <= timezone.localdate() and agreement != current_agreement():
        raise TransitionNotAllowed(_("This version has been replaced: read and accept the current one."))
    try:
        with transaction.atomic():
            acceptance, _created = AgreementAcceptance.objects.get_or_create(agreement=agreement, user=user)
    except IntegrityError:  # a second click at the same moment: the first one counts
        acceptance = AgreementAcceptance.objects.get(agreement=agreement, user=user)
    forget_cached(user)
    return acceptance


def publish(user, *, text_zh_hant, text_zh_hans="", text_en="", effective_on=None):
    """A new version with the next number; every member of staff must accept it once it takes effect."""
    if not access.has_role(user, *PUBLISHERS):
        raise TransitionNotAllowed(_("Only managers and supervisors publish the confidentiality agreement."))
    if not (text_zh_hant or "").strip():
        raise TransitionNotAllowed(_("The agreement needs its text in Traditional Chinese."))
    with transaction.atomic():
        # The latest row locked (PostgreSQL takes no lock with an aggregate); the unique version number
        # refuses a concurrent twin of the very first one.
        latest = ConfidentialityAgreement.objects.select_for_update().order_by("-version").first()
        return ConfidentialityAgreement.objects.create(
            version=(latest.version if latest else 0) + 1,
            text_zh_hant=text_zh_hant.strip(),
            text_zh_hans=(text_zh_hans or "").strip(),
            text_en=(text_en or "").strip(),
            effective_on=effective_on or timezone.localdate(),
            published_by=user,
        )


def ensure_default_agreement():
    """Version 1 with the default text when nothing has been published (the demo, and a test database
    emptied by a transactional test); the current version otherwise."""
    current = current_agreement()
    if current is not None:
        return current
    if ConfidentialityAgreement.objects.exists():
        return None  # published versions, none in effect yet: nothing to add
    return ConfidentialityAgreement.objects.create(
        version=1, effective_on=DEFAULT_EFFECTIVE_ON, **DEFAULT_TEXT
    )


# --- Who must accept, and who has -----------------------------------------------------------------


def staff_who_must_accept():
    """Active users who could be shown personal data: the casework roles, and superusers."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=access.CASEWORK_ROLES))
        .distinct()
        .order_by("username")
    )


def acceptance_rows(agreement):
    """(user, acceptance of `agreement` or None, latest version they accepted or None), staff by name."""
    users = list(staff_who_must_accept())
    accepted = {}
    latest = {}
    if agreement is not None:
        accepted = {a.user_id: a for a in agreement.acceptances.filter(user__in=users)}
    for user_id, version in (
        AgreementAcceptance.objects.filter(user__in=users)
        .values_list("user_id")
        .annotate(version=Max("agreement__version"))
    ):
        latest[user_id] = version
    return [(user, accepted.get(user.pk), latest.get(user.pk)) for user in users]


# --- What the back office answers when the agreement stands in the way ----------------------------


def agreement_url(next_url=""):
    url = reverse("agreements:agreement")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def refuse(request, message, next_url=None):
    """A clear message, and the way to the agreement (coming back here once accepted)."""
    messages.error(request, message)
    return redirect(agreement_url(next_url if next_url is not None else request.get_full_path()))


def safe_next(request, candidate):
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""

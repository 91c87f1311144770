"""The rules of inspections and external supervision (reception measures §六(一)1, §六(二)).

Inspections: which findings are overdue and the reminder to their owner departments; what of an
inspection may be published (never personal data). Questionnaires: sent once per closed case after
the configured number of days, answered once through a signed link. Suggestions: filed from the
public suggestion box, marked handled by staff (reception.suggestions). What is published:
reception.publication.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from casework.models import Case, DepartmentMembership, Status
from notifications import outbox

from .models import InspectionFinding, Questionnaire

# --- Inspections ------------------------------------------------------------------------------


def overdue_findings(today=None):
    """Findings neither rectified nor verified after their deadline, soonest first."""
    today = today or timezone.localdate()
    return (
        InspectionFinding.objects.filter(
            verified_on__isnull=True, rectified_on__isnull=True, deadline__lt=today
        )
        .select_related("inspection", "department")
        .order_by("deadline", "pk")
    )


def remind_overdue_findings(today=None):
    """One reminder per overdue finding to its owner department's reviewers (once per finding)."""
    today = today or timezone.localdate()
    queued = 0
    for finding in overdue_findings(today):
        reviewers = DepartmentMembership.objects.filter(
            department=finding.department, role=DepartmentMembership.Role.REVIEWER, user__is_active=True
        ).select_related("user")
        for membership in reviewers:
            message = outbox.queue(
                "inspection_finding_overdue",
                dedupe_key=f"inspection-finding-overdue:{finding.pk}:{membership.user_id}",
                user=membership.user,
                language=outbox.staff_language(membership.user),
                text=finding.rectification_required,
                due=finding.deadline.isoformat(),
                inspection=str(finding.inspection),
            )
            queued += message is not None
        if finding.overdue_reminded_on is None:
            InspectionFinding.objects.filter(pk=finding.pk).update(overdue_reminded_on=today)
    return queued


# --- Questionnaires ---------------------------------------------------------------------------

QUESTIONS = [
    ("rating_access", _("How easy was it to reach us and file your appeal?")),
    ("rating_information", _("How well were you kept informed while your case was handled?")),
    ("rating_handling", _("How satisfied are you with how your case was handled?")),
    ("rating_staff", _("How courteous and helpful were our staff?")),
]
RATINGS = [
    (5, _("Very good")),
    (4, _("Good")),
    (3, _("Fair")),
    (2, _("Poor")),
    (1, _("Very poor")),
]
TOKEN_SALT = "reception.questionnaire"


def days_after_closure():
    return getattr(settings, "QUESTIONNAIRE_DAYS_AFTER_CLOSURE", 3)


def valid_days():
    return getattr(settings, "QUESTIONNAIRE_VALID_DAYS", 60)


# A run that was missed (beat down for a while) still sends to the cases closed in those days.
CATCH_UP_DAYS = 14


def make_token(questionnaire):
    return signing.Signer(salt=TOKEN_SALT).sign(str(questionnaire.pk))


class TokenError(Exception):
    """A link that opens nothing; its message is for the citizen, `status` for the response."""

    def __init__(self, message, status=404):
        super().__init__(message)
        self.status = status


def questionnaire_for_token(token, now=None):
    """The questionnaire a link opens; TokenError with the reason the citizen reads otherwise."""
    try:
        pk = int(signing.Signer(salt=TOKEN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise TokenError(_("This link is not valid. Please check that you copied the whole link.")) from None
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None:
        raise TokenError(_("This link is not valid. Please check that you copied the whole link."))
    if questionnaire.answered_at is not None:
        raise TokenError(_("This questionnaire has already been answered. Thank you."), 410)
    now = now or timezone.now()
    if questionnaire.sent_at + timedelta(days=valid_days()) < now:
        raise TokenError(_("This questionnaire has expired. Thank you all the same."), 410)
    return questionnaire


def questionnaire_url(questionnaire):
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    with translation.override(questionnaire.language or settings.LANGUAGE_CODE):
        path = reverse("reception_questionnaire", args=[make_token(questionnaire)])
    return (site.root_url if site else "") + path


def cases_due_for_questionnaire(today):
    last = today - timedelta(days=days_after_closure())
    first = last - timedelta(days=CATCH_UP_DAYS)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(timezone.datetime.combine(first, timezone.datetime.min.time()), tz)
    end = timezone.make_aware(
        timezone.datetime.combine(last + timedelta(days=1), timezone.datetime.min.time()), tz
    )
    return Case.objects.filter(
        status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end, questionnaire__isnull=True
    ).order_by("pk")


def send_questionnaires(today=None):
    """Send the questionnaire to the citizens of the cases closed N days before `today` (and of
    those a missed run left behind); each case gets at most one, so running twice sends nothing new."""
    today = today or timezone.localdate()
    sent = 0
    for case in cases_due_for_questionnaire(today):
        channel, address = outbox.citizen_contact(case)
        if not address:
            continue  # an anonymous citizen cannot be asked
        with transaction.atomic():
            questionnaire, created = Questionnaire.objects.get_or_create(
                case=case, defaults={"language": case.language}
            )
            if not created:
                continue
            outbox.queue(
                "questionnaire",
                dedupe_key=f"questionnaire:{questionnaire.pk}",
                case=case,
                address=address,
                channel=channel,
                language=questionnaire.language,
                url=questionnaire_url(questionnaire),
            )
        sent += 1
    return sent


def answer_questionnaire(token, ratings, comment="", now=None):
    """Record the answers once; a second answer (even at the same moment) raises TokenError."""
    now = now or timezone.now()
    questionnaire_for_token(token, now)
    with transaction.atomic():
        pk = int(signing.Signer(salt=TOKEN_SALT).unsign(token))
        questionnaire = Questionnaire.objects.select_for_update().get(pk=pk)
        if questionnaire.answered_at is not None:
            raise TokenError(_("This questionnaire has already been answered. Thank you."), 410)
        for field, _label in QUESTIONS:
            setattr(questionnaire, field, ratings.get(field))
        questionnaire.comment = comment
        questionnaire.answered_at = now
        questionnaire.save()
    return questionnaire


def questionnaire_results(start, end, departments=None):
    """Counts sent and answered, and each question's number of answers and average, for the
    questionnaires sent from `start` to `end` (dates, inclusive); `departments` as in the dashboard."""
    questionnaires = Questionnaire.objects.filter(sent_at__date__gte=start, sent_at__date__lte=end)
    if departments is not None:
        questionnaires = questionnaires.filter(case__department__in=departments)
    answered = questionnaires.filter(answered_at__isnull=False)
    aggregates = {}
    for field, _label in QUESTIONS:
        aggregates[f"{field}_count"] = Count(field)
        aggregates[f"{field}_avg"] = Avg(field)
    figures = answered.aggregate(**aggregates)
    rows = [
        (
            str(label),
            figures[f"{field}_count"],
            round(figures[f"{field}_avg"], 2) if figures[f"{field}_avg"] else None,
        )
        for field, label in QUESTIONS
    ]
    return {"sent": questionnaires.count(), "answered": answered.count(), "questions": rows}

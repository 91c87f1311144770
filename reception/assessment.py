"""Staff assessment (考核, measures 000 §六(一)2, §六(三); 001 §八): the rules.

A scorecard scores one reception officer, handler or department over a month, a quarter or a year
against the active indicators of its kind. Each indicator is computed from the case data through a
source of SOURCES (the raw figure mapped to 0–100 by the indicator's bands) or entered by hand by
a manager with a comment. The weighted total is Σ score × weight / Σ weight over the scored lines;
a computed line without data (no cases) is left out rather than counted as 0 or 100.

Who may do what:
- managers edit the indicators, prepare scorecards, enter manual scores, review and freeze them,
  and record the rewards and penalties decided on a frozen card;
- a card is reviewed and frozen by a manager other than who prepared it; once frozen, its lines,
  figures and total never change;
- supervisors and auditors read every card; a department's reviewers read the cards of their
  department and of its handlers.

Sources are pluggable: register_source adds one, keyed by the code indicators name in `source`.
An indicator whose source is not registered (training completion until the training records are
there) is scored by hand.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import access, roles
from casework.models import Case, Channel, Department, DepartmentMembership, Event
from reporting import assessment as case_assessment
from reporting import statistics

from .models import Indicator, RewardOrPenalty, Scorecard, ScorecardLine, SubjectKind

Period = Scorecard.Period
State = Scorecard.State
Method = Indicator.Method
K = Event.Kind

WRITERS = (roles.MANAGER,)
READ_ALL_ROLES = (roles.MANAGER, roles.SUPERVISOR, roles.AUDITOR)
EARLIEST_YEAR = 2000
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

PERCENT = "%"
DAYS = "days"
COUNT = "count"
UNITS = {PERCENT: "%", DAYS: gettext_lazy("days"), COUNT: ""}


class AssessmentError(Exception):
    """A step that is not allowed, with the reason to show (translated)."""


@dataclass(frozen=True)
class Subject:
    kind: str
    user: object = None
    department: object = None


# --- Computed sources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    unit: str
    kinds: tuple
    compute: object  # (subject, start, end) -> the raw figure, or None when there is nothing to count


SOURCES = {}


def register_source(code, label, unit, kinds):
    """Decorator: a computed source indicators can name. The function takes (subject, start, end)
    and returns the raw figure (a percentage 0–100, days or a count), or None without data."""

    def decorator(compute):
        SOURCES[code] = Source(code, label, unit, tuple(kinds), compute)
        return compute

    return decorator


def _percent(part, whole):
    return 100.0 * part / whole if whole else None


def _period_cases(start, end):
    first, _ = statistics.local_day_bounds(start)
    _, last = statistics.local_day_bounds(end)
    return Case.objects.filter(received_at__gte=first, received_at__lt=last)


INTAKE_KINDS = (K.REGISTERED, K.ACCEPTED, K.REJECTED, K.ROUTED)
OFFLINE_CHANNELS = {c for c in Channel.values if c not in {Channel.WEB, Channel.API}}


def _officer_steps(user, start, end):
    """{case pk: {intake event kind: local date}} of the steps the officer took on the cases
    received in the period (registration, screening, routing)."""
    steps = {}
    rows = Event.objects.filter(
        case__in=_period_cases(start, end), actor=user, kind__in=INTAKE_KINDS
    ).values_list("case_id", "kind", "created_at")
    for case_id, kind, created_at in rows.order_by("created_at"):
        steps.setdefault(case_id, {}).setdefault(kind, timezone.localtime(created_at).date())
    return steps


def _officer_facts(user, start, end):
    steps = _officer_steps(user, start, end)
    cases = Case.objects.filter(pk__in=list(steps))
    return steps, statistics.case_facts(cases), dict(cases.values_list("pk", "channel"))


@register_source("intake_timeliness", gettext_lazy("Intake steps on time"), PERCENT, [SubjectKind.OFFICER])
def intake_timeliness(subject, start, end):
    """Of the officer's intake steps on the period's cases, the share done in time: a letter, call
    or visit registered no later than the day after it was received, a screening and a routing by
    their due dates."""
    steps, facts, channels = _officer_facts(subject.user, start, end)
    done = on_time = 0
    for fact in facts:
        mine = steps[fact["pk"]]
        if K.REGISTERED in mine and channels[fact["pk"]] in OFFLINE_CHANNELS:
            done += 1
            on_time += mine[K.REGISTERED] <= fact["day"] + timedelta(days=1)
        if K.ACCEPTED in mine or K.REJECTED in mine:
            done += fact["screening_done"]
            on_time += fact["screening_on_time"]
        if K.ROUTED in mine:
            done += fact["routing_done"]
            on_time += fact["routing_on_time"]
    return _percent(on_time, done)


@register_source(
    "routing_accuracy",
    gettext_lazy("Routed right the first time"),
    PERCENT,
    [SubjectKind.OFFICER, SubjectKind.DEPARTMENT],
)
def routing_accuracy(subject, start, end):
    """The share of routed cases never re-routed: those the officer routed, or those routed to the
    department."""
    if subject.kind == SubjectKind.OFFICER:
        steps, facts, _channels = _officer_facts(subject.user, start, end)
        routed = [f for f in facts if K.ROUTED in steps[f["pk"]]]
        return _percent(sum(1 - f["rerouted"] for f in routed), len(routed))
    rate = case_assessment.subject_figures(start, end, department=subject.department)["routing_accuracy"]
    return None if rate is None else 100.0 * rate


def _figures(subject, start, end):
    if subject.kind == SubjectKind.HANDLER:
        return case_assessment.subject_figures(start, end, handler=subject.user)
    return case_assessment.subject_figures(start, end, department=subject.department)


@register_source(
    "satisfaction",
    gettext_lazy("Satisfied or basically satisfied"),
    PERCENT,
    [SubjectKind.OFFICER, SubjectKind.HANDLER, SubjectKind.DEPARTMENT],
)
def satisfaction(subject, start, end):
    """Of the rated cases (the officer's intake, the handler's or the department's), the share
    rated satisfied or basically satisfied."""
    if subject.kind == SubjectKind.OFFICER:
        _steps, facts, _channels = _officer_facts(subject.user, start, end)
        good = sum(f["satisfied"] + f["basically_satisfied"] for f in facts)
        return _percent(good, good + sum(f["dissatisfied"] for f in facts))
    rate = _figures(subject, start, end)["satisfaction_rate"]
    return None if rate is None else 100.0 * rate


@register_source(
    "handling_time",
    gettext_lazy("Average handling time"),
    DAYS,
    [SubjectKind.HANDLER, SubjectKind.DEPARTMENT],
)
def handling_time(subject, start, end):
    """Average calendar days from receipt to reply of the replied cases."""
    return _figures(subject, start, end)["handling_days"]


@register_source(
    "reply_on_time",
    gettext_lazy("Replies on time"),
    PERCENT,
    [SubjectKind.HANDLER, SubjectKind.DEPARTMENT],
)
def reply_on_time(subject, start, end):
    rate = _figures(subject, start, end)["on_time_rate"]
    return None if rate is None else 100.0 * rate


@register_source(
    "supervision_notices",
    gettext_lazy("Supervision notices received"),
    COUNT,
    [SubjectKind.HANDLER, SubjectKind.DEPARTMENT],
)
def supervision_notices(subject, start, end):
    """Notices about the period's cases (a count: none is a figure, not missing data)."""
    return float(_figures(subject, start, end)["supervision_notices"])


# Training completion (the seeded "training_completion" indicators) is registered by the training
# records' module with register_source when they exist; until then those indicators take a manual score.


def source_of(indicator, kind=None):
    """The registered source that computes this indicator for its kind of subject, or None."""
    source = SOURCES.get(indicator.source)
    if indicator.method != Method.COMPUTED or source is None:
        return None
    if (kind or indicator.subject_kind) not in source.kinds:
        return None
    return source


# --- Scoring --------------------------------------------------------------------------------------


def band_score(bands, raw, higher_is_better=True):
    """The score of a raw figure: the best score among the bands it reaches, 0 when none."""
    if raw is None:
        return None
    reached = [
        Decimal(str(score))
        for threshold, score in bands
        if (raw >= threshold if higher_is_better else raw <= threshold)
    ]
    return max(reached) if reached else Decimal(0)


def weighted_total(lines):
    """Σ score × weight / Σ weight over the scored lines (None if none is scored)."""
    scored = [line for line in lines if line.score is not None]
    weights = sum((line.weight for line in scored), Decimal(0))
    if not weights:
        return None
    total = sum((line.score * line.weight for line in scored), Decimal(0)) / weights
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted(line, lines):
    """The line's part of the total (the parts add up to the total)."""
    if line.score is None:
        return None
    weights = sum((other.weight for other in lines if other.score is not None), Decimal(0))
    return (line.score * line.weight / weights).quantize(CENT, rounding=ROUND_HALF_UP) if weights else None


def weights_by_kind():
    """{subject kind: Σ weight of its active indicators} for the indicator page's check."""
    sums = dict.fromkeys(SubjectKind.values, Decimal(0))
    for indicator in Indicator.objects.filter(is_active=True):
        sums[indicator.subject_kind] += indicator.weight
    return sums


# --- Periods and subjects -------------------------------------------------------------------------


def period_bounds(period, year, number=1):
    if period == Period.MONTH:
        if not 1 <= number <= 12:
            raise AssessmentError(_("Choose a month from 1 to 12."))
        first, last = number, number
    elif period == Period.QUARTER:
        if not 1 <= number <= 4:
            raise AssessmentError(_("Choose a quarter from 1 to 4."))
        first, last = 3 * number - 2, 3 * number
    elif period == Period.YEAR:
        first, last = 1, 12
    else:
        raise AssessmentError(_("Choose a month, a quarter or a year."))
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def period_label(card):
    if card.period == Period.MONTH:
        return _("%(year)s, month %(month)s") % {"year": card.year, "month": card.number}
    if card.period == Period.QUARTER:
        return _("%(year)s, quarter %(quarter)s") % {"year": card.year, "quarter": card.number}
    return _("Year %(year)s") % {"year": card.year}


def _name(user):
    return user.get_full_name() or user.get_username()


def officers():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=roles.INTAKE_OFFICER, is_active=True).distinct()


def handlers():
    from django.contrib.auth import get_user_model

    members = DepartmentMembership.objects.filter(role=DepartmentMembership.Role.HANDLER).values("user")
    return (
        get_user_model().objects.filter(groups__name=roles.HANDLER, is_active=True, pk__in=members).distinct()
    )


def subject_of(card):
    return Subject(card.subject_kind, card.user, card.department)


# --- Who may do what ------------------------------------------------------------------------------


def can_write(user):
    return access.has_role(user, *WRITERS)


def may_use(user):
    """Does the user see the assessment screens at all (the menu item)?"""
    return access.has_role(user, *READ_ALL_ROLES, roles.REVIEWER)


def scorecards_visible_to(user):
    cards = Scorecard.objects.select_related("user", "department", "created_by", "frozen_by")
    if access.has_role(user, *READ_ALL_ROLES):
        return cards
    if access.has_role(user, roles.REVIEWER):
        departments = access.department_ids(user, DepartmentMembership.Role.REVIEWER)
        return cards.filter(
            subject_kind__in=[SubjectKind.DEPARTMENT, SubjectKind.HANDLER], department__in=departments
        )
    return cards.none()


def may_freeze_now(user, card):
    return card.state == State.DRAFT and can_write(user) and card.created_by_id != user.pk


# --- Steps ----------------------------------------------------------------------------------------


def _require_writer(user):
    if not can_write(user):
        raise AssessmentError(_("Only managers prepare and review scorecards."))


def _locked(card):
    return Scorecard.objects.select_for_update().get(pk=card.pk)


def _require_draft(card):
    if card.state != State.DRAFT:
        raise AssessmentError(_("This scorecard is frozen: it can no longer be changed."))


def _check_subject(kind, user, department):
    if kind == SubjectKind.OFFICER:
        if user is None or not officers().filter(pk=user.pk).exists():
            raise AssessmentError(_("Choose a reception officer."))
        return None
    if kind == SubjectKind.HANDLER:
        if user is None or not handlers().filter(pk=user.pk).exists():
            raise AssessmentError(_("Choose a department handler."))
        # The handler's department scopes who reads the card (its reviewers).
        return (
            Department.objects.filter(
                memberships__user=user, memberships__role=DepartmentMembership.Role.HANDLER
            )
            .order_by("name")
            .first()
        )
    if kind == SubjectKind.DEPARTMENT:
        if department is None:
            raise AssessmentError(_("Choose a department."))
        return department
    raise AssessmentError(_("Choose whom to assess."))


@transaction.atomic
def create_scorecard(user, period, year, number, kind, subject_user=None, department=None, today=None):
    """A draft scorecard of the period for one subject, its computed scores filled in now."""
    _require_writer(user)
    today = today or timezone.localdate()
    if not EARLIEST_YEAR <= year <= today.year:
        raise AssessmentError(
            _("Choose a year from %(first)s to %(last)s.") % {"first": EARLIEST_YEAR, "last": today.year}
        )
    number = number if period != Period.YEAR else 1
    start, end = period_bounds(period, year, number)
    if start > today:
        raise AssessmentError(_("This period has not started yet."))
    department = _check_subject(kind, subject_user, department)
    if kind == SubjectKind.DEPARTMENT:
        subject_user, name = None, department.name
    else:
        name = _name(subject_user)
    try:
        with transaction.atomic():
            card = Scorecard.objects.create(
                period=period,
                year=year,
                number=number,
                period_start=start,
                period_end=end,
                subject_kind=kind,
                user=subject_user,
                department=department,
                subject_name=name,
                created_by=user,
            )
    except IntegrityError:
        raise AssessmentError(
            _("A scorecard for this period and this person or department exists already.")
        ) from None
    _compute(card)
    return card


@transaction.atomic
def create_for_everyone(user, period, year, number, kind, today=None):
    """The missing scorecards of the period for every active officer, handler or department of the
    kind; returns those created (the ones that exist already stay as they are)."""
    _require_writer(user)
    if kind == SubjectKind.DEPARTMENT:
        subjects = [(None, department) for department in Department.objects.filter(is_active=True)]
    elif kind in (SubjectKind.OFFICER, SubjectKind.HANDLER):
        people = officers() if kind == SubjectKind.OFFICER else handlers()
        subjects = [(person, None) for person in people.order_by("pk")]
    else:
        raise AssessmentError(_("Choose whom to assess."))
    number = number if period != Period.YEAR else 1
    existing = Scorecard.objects.filter(period=period, year=year, number=number, subject_kind=kind)
    have_users = set(existing.values_list("user_id", flat=True))
    have_departments = set(existing.values_list("department_id", flat=True))
    created = []
    for person, department in subjects:
        if (person is not None and person.pk in have_users) or (
            kind == SubjectKind.DEPARTMENT and department.pk in have_departments
        ):
            continue
        created.append(
            create_scorecard(
                user, period, year, number, kind, subject_user=person, department=department, today=today
            )
        )
    return created


def _compute(card):
    """Bring a draft's lines in line with the active indicators and compute the computed ones;
    manual scores already entered stay."""
    subject = subject_of(card)
    indicators = list(Indicator.objects.filter(subject_kind=card.subject_kind, is_active=True))
    existing = {line.code: line for line in card.lines.all()}
    for stale in set(existing) - {indicator.code for indicator in indicators}:
        existing.pop(stale).delete()
    for position, indicator in enumerate(indicators):
        line = existing.get(indicator.code) or ScorecardLine(scorecard=card, code=indicator.code)
        source = source_of(indicator, card.subject_kind)
        line.indicator = indicator
        line.name = indicator.name
        line.standard = indicator.standard
        line.weight = indicator.weight
        line.order = position
        if source is not None:
            line.method = Method.COMPUTED
            line.raw = source.compute(subject, card.period_start, card.period_end)
            line.unit = source.unit
            line.score = band_score(indicator.bands, line.raw, indicator.higher_is_better)
            line.comment = ""
            line.entered_by = None
            line.entered_at = None
        elif line.method != Method.MANUAL or line.pk is None:
            # Newly manual (a new indicator, or its source gone): to be entered by hand.
            line.method = Method.MANUAL
            line.raw = None
            line.unit = ""
            line.score = None
        line.save()
    card.total = weighted_total(card.lines.all())
    card.computed_at = timezone.now()
    card.save()


@transaction.atomic
def refresh(user, card):
    """Compute a draft's scores again (cases and indicators may have changed since)."""
    _require_writer(user)
    card = _locked(card)
    _require_draft(card)
    _compute(card)
    return card


def _score(value):
    try:
        score = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise AssessmentError(_("A score is a number from 0 to 100.")) from None
    if not 0 <= score <= HUNDRED:
        raise AssessmentError(_("A score is a number from 0 to 100."))
    return score


@transaction.atomic
def enter_score(user, card, line_id, score, comment):
    """A manager's score for a manual line of a draft, with the reason for it."""
    _require_writer(user)
    card = _locked(card)
    _require_draft(card)
    line = card.lines.filter(pk=line_id).first()
    if line is None or line.method != Method.MANUAL:
        raise AssessmentError(_("Only indicators entered by hand take a score here."))
    comment = (comment or "").strip()
    if not comment:
        raise AssessmentError(_("Say what the score is based on."))
    line.score = _score(score)
    line.comment = comment
    line.entered_by = user
    line.entered_at = timezone.now()
    line.save()
    card.total = weighted_total(card.lines.all())
    card.save()
    return line


@transaction.atomic
def freeze(user, card, comment=""):
    """Reviewed: the card, its figures, scores and total, never change again."""
    _require_writer(user)
    card = _locked(card)
    _require_draft(card)
    if card.created_by_id == user.pk:
        raise AssessmentError(_("A scorecard is reviewed by someone other than who prepared it."))
    if card.lines.filter(method=Method.MANUAL, score__isnull=True).exists():
        raise AssessmentError(_("Enter every score given by hand before freezing the scorecard."))
    card.state = State.FROZEN
    card.frozen_by = user
    card.frozen_at = timezone.now()
    card.review_comment = (comment or "").strip()
    card.save()
    return card


@transaction.atomic
def record_decision(user, card, *, kind, reason, decided_by, decided_on):
    """A reward or a penalty decided on a reviewed (frozen) scorecard."""
    _require_writer(user)
    card = _locked(card)
    if card.state != State.FROZEN:
        raise AssessmentError(_("Rewards and penalties are recorded on reviewed and frozen scorecards."))
    if kind not in RewardOrPenalty.Kind.values:
        raise AssessmentError(_("Choose a reward or a penalty."))
    reason, decided_by = (reason or "").strip(), (decided_by or "").strip()
    if not reason or not decided_by or decided_on is None:
        raise AssessmentError(_("Give the reason, who decided and the date of the decision."))
    return RewardOrPenalty.objects.create(
        scorecard=card,
        kind=kind,
        reason=reason,
        decided_by=decided_by,
        decided_on=decided_on,
        recorded_by=user,
    )


# --- Indicators -----------------------------------------------------------------------------------


def parse_bands(text):
    """Lines "threshold score" (or "threshold: score") as [[threshold, score], ...], best first."""
    bands = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.replace(":", " ").replace("=", " ").strip()
        if not line:
            continue
        parts = line.split()
        try:
            threshold, score = (float(part) for part in parts)
        except ValueError:
            raise AssessmentError(
                _("Line %(n)s: write a threshold and a score, e.g. “95 100”.") % {"n": number}
            ) from None
        if not 0 <= score <= 100:
            raise AssessmentError(_("Line %(n)s: a score is from 0 to 100.") % {"n": number})
        bands.append([threshold, score])
    return sorted(bands, key=lambda band: -band[1])


def bands_text(bands):
    def number(value):
        return f"{value:g}"

    return "\n".join(f"{number(threshold)} {number(score)}" for threshold, score in bands or ())


def unit_label(unit):
    return str(UNITS.get(unit, unit))


def format_raw(line):
    if line.raw is None:
        return "—"
    if line.unit == PERCENT:
        return f"{line.raw:.1f}%"
    if line.unit == DAYS:
        return f"{line.raw:.1f} {unit_label(DAYS)}"
    return f"{line.raw:g}"

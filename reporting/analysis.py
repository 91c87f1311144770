"""Analysis reports (分析報告, measures 000 §四(五)2, 001 §六): the rules.

A report covers a calendar month or quarter, for the whole office or one department. It is created
with the period's figures (compute_figures), staff write the causes, the improvement proposals and
the decisions it supports, submit it for review, and a reviewer freezes it or returns it. A frozen
report never changes: its figures are the snapshot taken while it was a draft.

Who may do what:
- office reports: managers and supervisors write them; managers review and freeze them;
- a department's reports: its reviewers write them (managers and supervisors too); its reviewers
  or a manager review and freeze them;
- a report is reviewed (frozen or returned) by someone other than who submitted it;
- managers, supervisors and auditors read every report; a department's handlers and reviewers
  read their department's.

The figures are aggregates only (counts, rates, subject keywords): no citizen, no reference.
"""

import calendar
from collections import Counter
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import access, roles
from casework.models import AnalysisReport, Case, Category, Channel, Department

from . import statistics, topics

Kind = AnalysisReport.Kind
State = AnalysisReport.State

OFFICE_WRITERS = (roles.MANAGER, roles.SUPERVISOR)
OFFICE_REVIEWERS = (roles.MANAGER,)
READ_ALL_ROLES = (roles.MANAGER, roles.SUPERVISOR, roles.AUDITOR)

HOT_TOPICS = 10
# A place or topic counts as a repeat complaint when at least this many complaints of the period
# name it in their subject.
REPEAT_THRESHOLD = 2
REPEATS_SHOWN = 20
EARLIEST_YEAR = 2000


class AnalysisReportError(Exception):
    """A step that is not allowed, with the reason to show (translated)."""


# --- Periods --------------------------------------------------------------------------------------


def period_bounds(kind, year, number):
    """The first and last day of month ``number`` (monthly) or quarter ``number`` (quarterly)."""
    if kind == Kind.MONTHLY:
        if not 1 <= number <= 12:
            raise AnalysisReportError(_("Choose a month from 1 to 12."))
        first_month = last_month = number
    elif kind == Kind.QUARTERLY:
        if not 1 <= number <= 4:
            raise AnalysisReportError(_("Choose a quarter from 1 to 4."))
        first_month, last_month = 3 * number - 2, 3 * number
    else:
        raise AnalysisReportError(_("Choose a monthly or a quarterly report."))
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


# --- Figures --------------------------------------------------------------------------------------


def _cases(start, end, department=None):
    first, _ = statistics.local_day_bounds(start)
    _, last = statistics.local_day_bounds(end)
    cases = Case.objects.filter(received_at__gte=first, received_at__lt=last)
    if department is not None:
        cases = cases.filter(department=department)
    return cases


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def is_place(term):
    """A keyword naming a place: a road, street, district, building... (topics.PLACE_ENDINGS)."""
    return term[-1] in topics.PLACE_ENDINGS


def repeat_complaints(subjects, threshold=REPEAT_THRESHOLD):
    """[{"kind": "place"|"topic", "term": folded keyword, "cases": n}] for every keyword of the
    complaints' subjects that at least ``threshold`` complaints share, most first. A keyword
    ending like a place (中山东路, 光明里) is a place, any other a topic (噪音, 路灯)."""
    counter = Counter()
    for subject in subjects:
        counter.update(set(topics.keywords(subject)))
    repeats = [
        {"kind": "place" if is_place(term) else "topic", "term": term, "cases": n}
        for term, n in counter.items()
        if n >= threshold
    ]
    repeats.sort(key=lambda item: (item["kind"] != "place", -item["cases"], item["term"]))
    return repeats[:REPEATS_SHOWN]


def compute_figures(start, end, department=None):
    """The figures of the cases received from ``start`` to ``end`` (inclusive) in the department
    (None: every case of the office, unrouted ones too), as plain JSON for the report's snapshot."""
    cases = _cases(start, end, department)
    facts = statistics.case_facts(cases)
    subjects = dict(cases.values_list("pk", "subject"))
    total = len(facts)
    by_category = Counter(f["category"] for f in facts)
    by_channel = Counter(f["channel"] for f in facts)
    replied = [f for f in facts if f["handling_days"] is not None]
    satisfied = sum(f["satisfied"] for f in facts)
    basically = sum(f["basically_satisfied"] for f in facts)
    dissatisfied = sum(f["dissatisfied"] for f in facts)
    rated = satisfied + basically + dissatisfied
    topic_counter = Counter()
    for subject in subjects.values():
        topic_counter.update(set(topics.keywords(subject)))
    hot = sorted(topic_counter.items(), key=lambda item: (-item[1], item[0]))[:HOT_TOPICS]
    complaints = [subjects[f["pk"]] for f in facts if f["category"] == Category.COMPLAINT]
    figures = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "department": department.name if department is not None else None,
        "total": total,
        "replied": len(replied),
        "by_category": [[value, by_category.get(value, 0)] for value in Category.values],
        "by_channel": [[value, by_channel.get(value, 0)] for value in Channel.values],
        "on_time": [
            [name, sum(f[f"{name}_done"] for f in facts), sum(f[f"{name}_on_time"] for f in facts)]
            for name, _label, _field, _kinds in statistics.STAGES
        ],
        "reply_on_time_rate": _rate(
            sum(f["reply_on_time"] for f in facts), sum(f["reply_done"] for f in facts)
        ),
        "handling_days_average": (
            round(sum(f["handling_days"] for f in replied) / len(replied), 1) if replied else None
        ),
        "satisfaction": {
            "satisfied": satisfied,
            "basically_satisfied": basically,
            "dissatisfied": dissatisfied,
            "rated": rated,
            "rate": _rate(satisfied + basically, rated),
        },
        "reopened": sum(f["reopened"] for f in facts),
        "hot_topics": [[term, n] for term, n in hot],
        "repeat_threshold": REPEAT_THRESHOLD,
        "repeats": repeat_complaints(complaints),
    }
    if department is None:
        by_department = Counter(f["department_id"] for f in facts)
        names = dict(
            Department.objects.filter(pk__in=[pk for pk in by_department if pk]).values_list("pk", "name")
        )
        figures["by_department"] = sorted(
            ([names[pk] if pk else "", n] for pk, n in by_department.items()),
            key=lambda row: (-row[1], row[0]),
        )
    return figures


# --- Who may do what ------------------------------------------------------------------------------


def _reviewer_of(user, department):
    return access.is_member(user, department.pk, "reviewer")


def can_write(user, department):
    """May the user create and write reports for this scope (None: the whole office)?"""
    if access.has_role(user, *OFFICE_WRITERS):
        return True
    return department is not None and _reviewer_of(user, department)


def can_review(user, report):
    if access.has_role(user, *OFFICE_REVIEWERS):
        return True
    return report.department_id is not None and _reviewer_of(user, report.department)


def may_review_now(user, report):
    """Is the report waiting for this user's review (freeze or return)?"""
    return report.state == State.IN_REVIEW and report.submitted_by_id != user.pk and can_review(user, report)


def can_read(user, report):
    if access.has_role(user, *READ_ALL_ROLES):
        return True
    return report.department_id is not None and report.department_id in access.department_ids(user)


def may_use(user):
    """Does the user see analysis reports at all (the menu item)?"""
    return access.has_role(user, *READ_ALL_ROLES, roles.REVIEWER, roles.HANDLER)


def writable_departments(user):
    """The departments whose reports the user may write."""
    if access.has_role(user, *OFFICE_WRITERS):
        return Department.objects.filter(is_active=True)
    return Department.objects.filter(pk__in=access.department_ids(user, "reviewer"))


def reports_visible_to(user):
    reports = AnalysisReport.objects.select_related("department", "reviewed_by", "created_by")
    if access.has_role(user, *READ_ALL_ROLES):
        return reports
    return reports.filter(department__in=access.department_ids(user))


# --- Steps ----------------------------------------------------------------------------------------


def _locked(report):
    # Only the report's row: an office report has no department, and PostgreSQL cannot lock the
    # null side of the outer join.
    return (
        AnalysisReport.objects.select_for_update(of=("self",)).select_related("department").get(pk=report.pk)
    )


def _require_second_pair_of_eyes(user, report):
    if report.submitted_by_id == user.pk:
        raise AnalysisReportError(_("A report is reviewed by someone other than who submitted it."))


def _require_state(report, *states):
    if report.state not in states:
        if report.state == State.FROZEN:
            raise AnalysisReportError(_("This report is frozen: it can no longer be changed."))
        raise AnalysisReportError(
            _("This step is not possible while the report is %(state)s.")
            % {"state": report.get_state_display()}
        )


def create_report(user, kind, year, number, department=None, today=None):
    """A draft report of the period and scope, its figures computed now."""
    today = today or timezone.localdate()
    if not can_write(user, department):
        raise AnalysisReportError(_("You may not write reports for this scope."))
    if not EARLIEST_YEAR <= year <= today.year:
        raise AnalysisReportError(
            _("Choose a year from %(first)s to %(last)s.") % {"first": EARLIEST_YEAR, "last": today.year}
        )
    start, end = period_bounds(kind, year, number)
    if start > today:
        raise AnalysisReportError(_("This period has not started yet."))
    scope = AnalysisReport.objects.filter(kind=kind, year=year, number=number, department=department)
    if scope.exists():
        raise AnalysisReportError(_("A report of this kind for this period and scope exists already."))
    try:
        with transaction.atomic():
            return AnalysisReport.objects.create(
                kind=kind,
                year=year,
                number=number,
                period_start=start,
                period_end=end,
                department=department,
                created_by=user,
                figures=compute_figures(start, end, department),
                figures_computed_at=timezone.now(),
            )
    except IntegrityError:  # created by someone else a moment ago
        raise AnalysisReportError(
            _("A report of this kind for this period and scope exists already.")
        ) from None


@transaction.atomic
def refresh_figures(user, report):
    """Compute a draft's figures again (cases of the period may have moved on since)."""
    report = _locked(report)
    if not can_write(user, report.department):
        raise AnalysisReportError(_("You may not write reports for this scope."))
    _require_state(report, State.DRAFT)
    report.figures = compute_figures(report.period_start, report.period_end, report.department)
    report.figures_computed_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def update_text(user, report, *, causes, proposals, decisions):
    report = _locked(report)
    if not can_write(user, report.department):
        raise AnalysisReportError(_("You may not write reports for this scope."))
    _require_state(report, State.DRAFT)
    report.causes, report.proposals, report.decisions = causes.strip(), proposals.strip(), decisions.strip()
    report.save()
    return report


@transaction.atomic
def submit_for_review(user, report):
    report = _locked(report)
    if not can_write(user, report.department):
        raise AnalysisReportError(_("You may not write reports for this scope."))
    _require_state(report, State.DRAFT)
    if not report.causes or not report.proposals:
        raise AnalysisReportError(_("Write the causes and the improvement proposals before submitting."))
    report.state = State.IN_REVIEW
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.return_comment = ""
    report.save()
    return report


@transaction.atomic
def freeze(user, report):
    """Reviewed: the report, its text and its figures, no longer change."""
    report = _locked(report)
    if not can_review(user, report):
        raise AnalysisReportError(_("You may not review reports for this scope."))
    _require_state(report, State.IN_REVIEW)
    _require_second_pair_of_eyes(user, report)
    report.state = State.FROZEN
    report.reviewed_by = user
    report.frozen_at = timezone.now()
    # The last write: the model refuses any save of a frozen report.
    AnalysisReport.objects.filter(pk=report.pk).update(
        state=report.state, reviewed_by=user, frozen_at=report.frozen_at, updated_at=report.frozen_at
    )
    return report


@transaction.atomic
def return_for_changes(user, report, comment):
    report = _locked(report)
    if not can_review(user, report):
        raise AnalysisReportError(_("You may not review reports for this scope."))
    _require_state(report, State.IN_REVIEW)
    _require_second_pair_of_eyes(user, report)
    comment = (comment or "").strip()
    if not comment:
        raise AnalysisReportError(_("Say what should change before returning the report."))
    report.state = State.DRAFT
    report.return_comment = comment
    report.save()
    return report


# --- The figures as tables (the report's page, its PDF and its spreadsheet) ----------------------


def _percent(rate, for_sheet):
    if rate is None:
        return "" if for_sheet else "—"
    return rate if for_sheet else f"{rate * 100:.1f}%"


def figure_tables(figures, for_sheet=False):
    """[(key, title, headers, rows)] of a snapshot. Rates are shown as percentages, or given as
    fractions for a spreadsheet (for_sheet), where a missing rate is an empty cell."""
    if not figures:
        return []
    categories = dict(Category.choices)
    channels = dict(Channel.choices)
    stages = {name: label for name, label, _f, _k in statistics.STAGES}
    satisfaction = figures["satisfaction"]
    average = figures["handling_days_average"]
    cases = _("Cases")
    tables = [
        (
            "summary",
            _("Summary"),
            [_("Figure"), _("Value")],
            [
                [_("Cases received"), figures["total"]],
                [_("Cases replied"), figures["replied"]],
                [_("Reopened after the reply"), figures["reopened"]],
                [
                    _("Average handling time (days)"),
                    ("" if for_sheet else "—") if average is None else average,
                ],
                [_("On-time replies"), _percent(figures["reply_on_time_rate"], for_sheet)],
                [_("Satisfied or basically satisfied"), _percent(satisfaction["rate"], for_sheet)],
            ],
        ),
        (
            "category",
            _("Cases by category"),
            [_("Category"), cases],
            [[str(categories.get(value, value)), n] for value, n in figures["by_category"]],
        ),
        (
            "channel",
            _("Cases by channel"),
            [_("Channel"), cases],
            [[str(channels.get(value, value)), n] for value, n in figures["by_channel"]],
        ),
    ]
    if "by_department" in figures:
        tables.append(
            (
                "department",
                _("Cases by department"),
                [_("Department"), cases],
                [[name or _("Not routed yet"), n] for name, n in figures["by_department"]],
            )
        )
    tables += [
        (
            "on_time",
            _("On-time rate per stage"),
            [_("Stage"), _("Completed"), _("On time"), _("Rate")],
            [
                [str(stages.get(name, name)), done, on_time, _percent(_rate(on_time, done), for_sheet)]
                for name, done, on_time in figures["on_time"]
            ],
        ),
        (
            "satisfaction",
            _("Satisfaction"),
            [_("Rating"), cases],
            [
                [_("Satisfied"), satisfaction["satisfied"]],
                [_("Basically satisfied"), satisfaction["basically_satisfied"]],
                [_("Dissatisfied"), satisfaction["dissatisfied"]],
                [_("Rated"), satisfaction["rated"]],
            ],
        ),
        (
            "topics",
            _("Hot topics (cases mentioning the term)"),
            [_("Term"), cases],
            [[topics.in_reader_script(term), n] for term, n in figures["hot_topics"]],
        ),
        (
            "repeats",
            _("Repeat complaints by place or topic (at least %(n)s complaints)")
            % {"n": figures.get("repeat_threshold", REPEAT_THRESHOLD)},
            [_("Place or topic"), _("Term"), _("Complaints")],
            [
                [
                    _("Place") if item["kind"] == "place" else _("Topic"),
                    topics.in_reader_script(item["term"]),
                    item["cases"],
                ]
                for item in figures["repeats"]
            ],
        ),
    ]
    return tables


def scope_label(report):
    return report.department.name if report.department_id else _("Whole office")


def period_label(report):
    if report.kind == Kind.MONTHLY:
        return _("%(year)s, month %(month)s") % {"year": report.year, "month": report.number}
    return _("%(year)s, quarter %(quarter)s") % {"year": report.year, "quarter": report.number}


def title(report):
    return _("%(kind)s analysis report %(period)s · %(scope)s") % {
        "kind": report.get_kind_display(),
        "period": period_label(report),
        "scope": scope_label(report),
    }

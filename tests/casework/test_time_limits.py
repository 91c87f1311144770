"""Stage time limits by category and priority: the matrix, its defaults, new cases only, the log."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from casework import roles, time_limits, workflow
from casework.models import Category, Channel, Priority, StageLimitChange, StageLimitRule, StageLimits
from tests.factories import DepartmentFactory, staff

pytestmark = pytest.mark.django_db

# 2026-01-05 is a Monday with no holiday that week: working days are the next weekdays.
MON = date(2026, 1, 5)
TUE, WED, THU = (MON + timedelta(days=n) for n in (1, 2, 3))


@pytest.fixture
def office():
    roles.ensure_role_groups()
    time_limits.ensure_default_rules()
    return {
        "dept": DepartmentFactory(name="經發局", code="econ"),
        "intake": staff(roles.INTAKE_OFFICER),
        "supervisor": staff(roles.SUPERVISOR),
        "administrator": staff(roles.ADMINISTRATOR),
        "manager": staff(roles.MANAGER),
        "auditor": staff(roles.AUDITOR),
        "editor": staff(roles.EDITOR),
    }


def register(office, category, priority=Priority.NORMAL):
    case, _code = workflow.register_case(
        actor=office["intake"],
        channel=Channel.HOTLINE,
        category=category,
        priority=priority,
        subject="獨居長者家中停電",
        content="八十歲長者家中停電兩天。",
        received_at=timezone.make_aware(datetime.combine(MON, datetime.min.time().replace(hour=10))),
        citizen_name="林阿嬤",
    )
    return case


def edit_url(rule):
    return reverse("time_limits:edit", args=[rule.pk])


def rule_form(rule, **changes):
    form = {"category": rule.category, "priority": rule.priority}
    for name in ("screening_days", "routing_days", "handling_plan_days", "reply_days", "follow_up_days"):
        value = getattr(rule, name)
        form[name] = "" if value is None else value
    form.update(changes)
    return form


def test_an_urgent_help_request_must_be_acted_on_within_one_working_day(office):
    case = register(office, Category.HELP, Priority.URGENT)
    assert case.screening_due == TUE and case.due_date == TUE
    # The other stages keep the settings' limits.
    limits = StageLimits.load()
    assert case.reply_due == workflow_deadline(MON, limits.reply_days)


def workflow_deadline(start, days):
    from casework.deadlines import add_working_days

    return add_working_days(start, days)


def test_a_normal_complaint_and_a_normal_help_request_keep_the_standard_limits(office):
    standard = StageLimits.load().screening_days
    assert standard > 1
    for category in (Category.COMPLAINT, Category.HELP):
        case = register(office, category)
        assert case.screening_due == workflow_deadline(MON, standard)


def test_editing_the_matrix_applies_to_new_cases_only(client, office):
    urgent_rule = StageLimitRule.objects.get(category=Category.HELP, priority=Priority.URGENT)
    earlier_help = register(office, Category.HELP, Priority.URGENT)
    earlier_complaint = register(office, Category.COMPLAINT)

    client.force_login(office["supervisor"])
    response = client.post(edit_url(urgent_rule), rule_form(urgent_rule, screening_days=2))
    assert response.status_code == 302
    response = client.post(
        reverse("time_limits:add"),
        {"category": Category.COMPLAINT, "priority": Priority.NORMAL, "routing_days": 10},
    )
    assert response.status_code == 302

    earlier_help.refresh_from_db()
    assert earlier_help.screening_due == TUE
    assert register(office, Category.HELP, Priority.URGENT).screening_due == WED

    # A later stage of an earlier case is timed by the limits it was registered under, too.
    standard_routing = StageLimits.load().routing_days
    for case, routing_days in (
        (earlier_complaint, standard_routing),
        (register(office, Category.COMPLAINT), 10),
    ):
        case = workflow.accept(case, office["intake"])
        assert case.routing_due == workflow_deadline(case.stage_started_on, routing_days)


def test_each_change_is_logged_with_who_when_and_old_and_new(client, office):
    rule = StageLimitRule.objects.get(category=Category.HELP, priority=Priority.URGENT)
    client.force_login(office["administrator"])
    client.post(edit_url(rule), rule_form(rule, screening_days=2, reply_days=5))

    change = StageLimitChange.objects.get()
    assert change.changed_by == office["administrator"]
    assert (change.category, change.priority) == (Category.HELP, Priority.URGENT)
    assert change.old_limits == {"screening_days": 1}
    assert change.new_limits == {"screening_days": 2, "reply_days": 5}
    assert abs(change.changed_at - timezone.now()) < timedelta(minutes=1)
    entry = ModelLogEntry.objects.get(object_id=str(rule.pk), action="wagtail.edit")
    assert entry.user == office["administrator"]

    # Sent again unchanged, nothing more is logged; the log can be read, not edited.
    client.post(edit_url(rule), rule_form(StageLimitRule.objects.get(pk=rule.pk)))
    assert StageLimitChange.objects.count() == 1
    client.force_login(office["supervisor"])
    page = client.get(reverse("time_limit_changes:index"))
    assert page.status_code == 200 and office["administrator"].get_username() in page.content.decode()
    assert client.get(reverse("time_limit_changes:edit", args=[change.pk])).status_code in (302, 403)

    # Removing a cell is logged as going back to the settings.
    client.post(reverse("time_limits:delete", args=[rule.pk]))
    assert not StageLimitRule.objects.filter(pk=rule.pk).exists()
    removal = StageLimitChange.objects.first()
    assert removal.old_limits == {"screening_days": 2, "reply_days": 5} and removal.new_limits == {}


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("supervisor", True),
        ("administrator", True),
        ("manager", False),
        ("intake", False),
        ("auditor", False),
        ("editor", False),
    ],
)
def test_only_supervisors_and_administrators_edit_the_matrix(client, office, role, allowed):
    rule = StageLimitRule.objects.get(category=Category.HELP, priority=Priority.URGENT)
    client.force_login(office[role])
    assert (client.get(edit_url(rule)).status_code == 200) is allowed
    client.post(edit_url(rule), rule_form(rule, screening_days=9))
    assert (StageLimitRule.objects.get(pk=rule.pk).screening_days == 9) is allowed
    assert StageLimitChange.objects.exists() is allowed
    if not allowed:
        rule.screening_days = 9
        with pytest.raises(PermissionDenied):
            time_limits.save_rule(office[role], rule)


def test_a_bad_limit_is_refused_with_a_message_and_nothing_changes(client, office):
    rule = StageLimitRule.objects.get(category=Category.HELP, priority=Priority.URGENT)
    client.force_login(office["supervisor"])
    response = client.post(edit_url(rule), rule_form(rule, screening_days="-3"))
    assert response.status_code == 200 and "error" in response.content.decode()
    duplicate = client.post(
        reverse("time_limits:add"), {"category": Category.HELP, "priority": Priority.URGENT, "reply_days": 3}
    )
    assert duplicate.status_code == 200
    assert StageLimitRule.objects.get(pk=rule.pk).screening_days == 1
    assert StageLimitRule.objects.count() == 1 and not StageLimitChange.objects.exists()

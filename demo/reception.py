"""Demo training and duty roster: last year's and this year's training plans with sessions and
scores (the intake officer, supervisor and manager hold valid training; a second intake officer's
has expired), a duty roster for this week and the next with a published leadership reception day
(the leader's name kept off the portal, so every language's page reads in its own words),
and one run of the training reminders (which beat would otherwise run daily)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from casework import roles
from portal.models import ReceptionPage
from reception import roster, training
from reception.models import DutyShift, TrainingPlan, TrainingSession

S = TrainingSession

# title, content, mode, lecturer, days before today, hours, evaluation, {username: score or result}
SESSIONS = [
    (
        "公民接待管理辦法解讀",
        S.Content.LAW,
        S.Mode.LECTURE,
        "法制辦 陳律師",
        430,
        "3",
        S.Evaluation.EXAM,
        {"intake2": 82},
    ),
    (
        "接待禮儀與溝通",
        S.Content.ETIQUETTE,
        S.Mode.DRILL,
        "培訓中心 林老師",
        75,
        "2",
        S.Evaluation.QUESTIONNAIRE,
        {"intake": "passed", "manager": "passed", "supervisor": "passed"},
    ),
    (
        "訴求處理業務知識",
        S.Content.BUSINESS,
        S.Mode.CASE_STUDY,
        "督辦科 王科長",
        40,
        "4",
        S.Evaluation.EXAM,
        {"intake": 88, "supervisor": 91, "handler": 55},
    ),
    (
        "情緒激動來訪者的溝通",
        S.Content.COMMUNICATION,
        S.Mode.VISIT,
        "社工服務中心",
        20,
        "2",
        S.Evaluation.EXAM,
        {"intake": 76, "manager": 70},
    ),
]


def _users():
    User = get_user_model()
    extra, created = User.objects.get_or_create(
        username="intake2",
        defaults={"first_name": "接待", "last_name": "二組", "email": "intake2@example.org"},
    )
    if created:
        extra.set_unusable_password()
        extra.save(update_fields=["password"])
    extra.groups.add(Group.objects.get(name=roles.INTAKE_OFFICER))
    return {
        u.username: u
        for u in User.objects.filter(username__in=("intake", "intake2", "supervisor", "manager", "handler"))
    }


def load_training(today=None):
    today = today or training.today()
    users = _users()
    manager = users["manager"]
    for title, content, mode, lecturer, days_ago, hours, evaluation, results in SESSIONS:
        day = today - timedelta(days=days_ago)
        plan = TrainingPlan.objects.filter(year=day.year).first()
        if plan is None:
            plan = training.save_plan(
                manager, TrainingPlan(year=day.year, title=f"{day.year}年度接待人員培訓計劃")
            )
        session = S.objects.filter(plan=plan, title=title).first()
        if session is not None:
            continue
        session = training.save_session(
            manager,
            S(
                plan=plan,
                title=title,
                content=content,
                mode=mode,
                lecturer=lecturer,
                date=day,
                hours=Decimal(hours),
                evaluation=evaluation,
            ),
        )
        rows = []
        for username, value in results.items():
            if evaluation == S.Evaluation.EXAM:
                rows.append(training.AttendanceRow(users[username], True, score=Decimal(value)))
            else:
                rows.append(training.AttendanceRow(users[username], True, result=value))
        training.record_attendance(manager, session, rows)
    # A plan for this year even when the sessions above fell in last year (early January).
    if not TrainingPlan.objects.filter(year=today.year).exists():
        training.save_plan(manager, TrainingPlan(year=today.year, title=f"{today.year}年度接待人員培訓計劃"))


def load_roster(today=None):
    today = today or training.today()
    if DutyShift.objects.filter(date__gte=roster.week_start(today)).exists():
        return
    User = get_user_model()
    manager = User.objects.get(username="manager")
    officers = [User.objects.get(username="intake"), User.objects.get(username="supervisor")]
    start = roster.week_start(today)
    leadership_day = start + timedelta(days=9)  # next week's Wednesday
    for offset in range(14):
        day = start + timedelta(days=offset)
        for index, shift in enumerate(roster.shift_hours(day)):
            try:
                roster.assign(manager, day=day, shift=shift, user=officers[(offset + index) % 2])
                if day == leadership_day and shift == DutyShift.Shift.MORNING:
                    roster.assign(
                        manager,
                        day=day,
                        shift=shift,
                        user=manager,
                        leadership=True,
                        title="主任",
                        published=True,
                        name_public=False,
                    )
            except ValidationError:
                continue  # a closed day or an untrained officer: the demo keeps what the rules allow
    ReceptionPage.objects.update(show_leadership_schedule=True)


def load(today=None):
    load_training(today)
    load_roster(today)
    return training.send_reminders(today)

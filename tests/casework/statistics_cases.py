"""A small fixed set of cases whose figures are worked out by hand in the statistics tests."""

from datetime import date, datetime

from django.core.management import call_command
from django.utils import timezone

from casework.models import Category, Channel, Event, Satisfaction, Status
from tests.factories import CaseFactory, DepartmentFactory


def at(day, hour=10):
    return timezone.make_aware(datetime(2026, 3, day, hour))


def build_fixture_cases():
    roads = DepartmentFactory(code="roads", name="道路處")
    parks = DepartmentFactory(code="parks", name="公園處")
    cases = [
        # received 2 Mar, replied 5 Mar (3 days), on time, satisfied
        CaseFactory(
            department=roads,
            category=Category.COMPLAINT,
            channel=Channel.WEB,
            status=Status.CLOSED,
            received_at=at(2),
            replied_at=at(5),
            reply_due=date(2026, 3, 20),
            satisfaction=Satisfaction.SATISFIED,
            subject="道路坑洞危險",
        ),
        # received 2 Mar, replied 12 Mar (10 days), late, dissatisfied, reopened
        CaseFactory(
            department=roads,
            category=Category.COMPLAINT,
            channel=Channel.HOTLINE,
            status=Status.CLOSED,
            received_at=at(2, 15),
            replied_at=at(12),
            reply_due=date(2026, 3, 10),
            satisfaction=Satisfaction.DISSATISFIED,
            reopened_on=date(2026, 3, 13),
            subject="道路坑洞未修",
        ),
        # received 3 Mar, replied 7 Mar (4 days), on time, basically satisfied
        CaseFactory(
            department=parks,
            category=Category.SUGGESTION,
            channel=Channel.WEB,
            status=Status.FOLLOWED_UP,
            received_at=at(3),
            replied_at=at(7),
            reply_due=date(2026, 3, 20),
            satisfaction=Satisfaction.BASICALLY_SATISFIED,
            subject="公園增設路燈",
        ),
        # received 16 Mar, in progress, not routed yet
        CaseFactory(
            department=None,
            category=Category.INQUIRY,
            channel=Channel.EMAIL,
            status=Status.RECEIVED,
            received_at=at(16),
            subject="公園開放時間",
        ),
        # received in April: outside the period
        CaseFactory(
            department=roads,
            category=Category.COMPLAINT,
            channel=Channel.WEB,
            status=Status.RECEIVED,
            received_at=timezone.make_aware(datetime(2026, 4, 1, 10)),
            subject="道路坑洞",
        ),
    ]
    # Screening: case 0 accepted before its due date, case 1 after; case 1 was re-routed.
    cases[0].screening_due = date(2026, 3, 4)
    cases[0].save()
    cases[1].screening_due = date(2026, 3, 4)
    cases[1].save()
    Event.objects.create(case=cases[0], kind=Event.Kind.ACCEPTED, created_at=at(3))
    Event.objects.create(case=cases[1], kind=Event.Kind.ACCEPTED, created_at=at(6))
    Event.objects.create(case=cases[1], kind=Event.Kind.REROUTED, created_at=at(7))
    Event.objects.create(case=cases[1], kind=Event.Kind.ROUTED, created_at=at(6))
    call_command("rebuild_statistics", verbosity=0)
    return {"roads": roads, "parks": parks, "cases": cases}

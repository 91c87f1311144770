"""Retention: personal data of long-closed cases is erased, statistics stay, and a ledger says what went."""

import json
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from casework import roles
from casework.attachments import add_attachment
from casework.models import (
    Case,
    Category,
    Channel,
    DailyCaseStatistic,
    DeletionRecord,
    Event,
    OutboxMessage,
    Outcome,
    Satisfaction,
    Status,
    Visit,
)
from notifications import outbox as notifications
from reporting import statistics
from retention import services as retention
from retention.tasks import erase_expired_personal_data
from search import cases as case_search
from tests.factories import PNG, CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

# What has expired is counted back from now, across leap years and month ends.
pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]

DAYS = 1095

PERSONAL = {
    "citizen_name": "歐陽保留測試",
    "citizen_id_number": "Q298765432",
    "citizen_phone": "13755556666",
    "citizen_email": "retention.subject@example.org",
    "citizen_address": "高雄市苓雅區保留路九十九號",
}
VISITOR = {"visitor_names": "歐陽保留測試、陪同者甲", "contacts": "0911-222-333", "id_numbers": "Q298765432"}


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    settings.PERSONAL_DATA_RETENTION_DAYS = DAYS
    now = timezone.now()
    dept = DepartmentFactory(name="環境保護局", code="epb")

    def closed_case(days_ago, status=Status.CLOSED, **extra):
        received = now - timedelta(days=days_ago + 30)
        return CaseFactory(
            status=status,
            department=dept,
            category=Category.COMPLAINT,
            channel=Channel.WEB,
            satisfaction=Satisfaction.BASICALLY_SATISFIED,
            received_at=received,
            replied_at=received + timedelta(days=10),
            closed_at=now - timedelta(days=days_ago),
            **{**PERSONAL, **extra},
        )

    expired = closed_case(DAYS + 1)
    Outcome.objects.create(case=expired, characterisation="屬實", measures="已改善")
    # Files are attached while a case is open; this one closed afterwards.
    Case.objects.filter(pk=expired.pk).update(status=Status.IN_PROGRESS)
    attachment = add_attachment(expired, SimpleUploadedFile("歐陽保留測試 身份證.png", PNG), None)
    Case.objects.filter(pk=expired.pk).update(status=Status.CLOSED)
    visit = Visit.objects.create(
        visitor_names=VISITOR["visitor_names"],
        contacts=VISITOR["contacts"],
        id_numbers=VISITOR["id_numbers"],
        reason="噪音",
        case=expired,
        visited_at=now - timedelta(days=DAYS + 60),
    )
    notifications.queue(
        "case_update", dedupe_key="retention-test", case=expired, address=PERSONAL["citizen_email"]
    )
    return {
        "now": now,
        "dept": dept,
        "expired": expired,
        "withdrawn": closed_case(DAYS + 400, status=Status.WITHDRAWN),
        "recent": closed_case(DAYS - 1),
        # Open for years (waiting on a long investigation): never erased, however old.
        "open": CaseFactory(
            status=Status.IN_PROGRESS, department=dept, received_at=now - timedelta(days=DAYS * 2), **PERSONAL
        ),
        "attachment": attachment,
        "visit": visit,
        "closed_case": closed_case,
    }


def personal_values(case):
    case = Case.objects.get(pk=case.pk)
    return {name: getattr(case, name) for name in PERSONAL}


def test_cases_closed_longer_than_the_period_lose_their_personal_data(
    world, django_capture_on_commit_callbacks
):
    expired = world["expired"]
    attachment_path = world["attachment"].file.path
    assert Case.objects.get(pk=expired.pk).citizen_phone_hash and os.path.exists(attachment_path)

    with django_capture_on_commit_callbacks(execute=True):
        run_id, cases, visits = retention.run()

    assert cases == 2 and visits == 0  # the expired closed case and the long-withdrawn one
    case = Case.objects.get(pk=expired.pk)
    assert personal_values(case) == dict.fromkeys(PERSONAL, "")
    assert case.citizen_phone_hash == "" and case.citizen_email_hash == ""
    assert personal_values(world["withdrawn"]) == dict.fromkeys(PERSONAL, "")
    # The attachment is gone from disk and from the case, and its file name from the timeline.
    assert not case.attachments.exists()
    assert not os.path.exists(attachment_path)
    assert not Event.objects.filter(case=case, text__contains="歐陽").exists()
    visit = Visit.objects.get(pk=world["visit"].pk)
    assert (visit.visitor_names, visit.contacts, visit.id_numbers) == ("", "", "")
    assert visit.reason == "噪音"
    assert OutboxMessage.objects.get(case=case).address == ""
    # Cases within the period, and open cases however old, keep everything.
    assert personal_values(world["recent"]) == PERSONAL
    assert personal_values(world["open"]) == PERSONAL


def test_what_statistics_are_made_of_stays(world):
    statistics.rebuild_all()
    rollups_before = sorted(
        tuple(row.values())
        for row in DailyCaseStatistic.objects.values()
        .order_by()
        .values(
            "day",
            "department",
            "category",
            "channel",
            "status",
            "handling_days",
            "cases",
            "replied",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "reply_done",
            "reply_on_time",
        )
    )
    fields = [
        "category",
        "channel",
        "status",
        "department_id",
        "received_at",
        "replied_at",
        "closed_at",
        "satisfaction",
        "subject",
        "updated_at",
    ]
    before = {case.pk: [getattr(case, name) for name in fields] for case in Case.objects.all()}

    retention.run()

    after = {case.pk: [getattr(case, name) for name in fields] for case in Case.objects.all()}
    assert after == before
    assert Outcome.objects.get(case=world["expired"]).characterisation == "屬實"
    # The nightly refresh sees no changed case; a full rebuild gives the same figures.
    statistics.refresh_statistics()
    statistics.rebuild_all()
    rollups_after = sorted(
        tuple(row.values())
        for row in DailyCaseStatistic.objects.values()
        .order_by()
        .values(
            "day",
            "department",
            "category",
            "channel",
            "status",
            "handling_days",
            "cases",
            "replied",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "reply_done",
            "reply_on_time",
        )
    )
    assert rollups_after == rollups_before


def test_the_deletion_ledger_names_what_was_erased_never_the_values(world):
    run_id, _cases, _visits = retention.run()

    record = DeletionRecord.objects.get(case=world["expired"])
    assert record.reference == world["expired"].reference
    assert str(record.run_id) == run_id
    assert record.retention_days == DAYS
    assert set(PERSONAL) | {"citizen_phone_hash", "citizen_email_hash"} <= set(record.fields)
    assert "attachments (1)" in record.fields
    assert f"visit {world['visit'].pk}: visitor_names" in record.fields
    assert "message addresses (1)" in record.fields
    stored = json.dumps(list(DeletionRecord.objects.values()), default=str, ensure_ascii=False)
    for value in [*PERSONAL.values(), *VISITOR.values(), "身份證"]:
        assert value not in stored
    # Append-only: the application can neither change nor delete a record.
    record.fields = []
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()


def test_running_twice_changes_nothing_the_second_time(world):
    retention.run()
    records = DeletionRecord.objects.count()
    snapshot = json.dumps(list(Case.objects.order_by("pk").values()), default=str)

    _run_id, cases, visits = retention.run()

    assert (cases, visits) == (0, 0)
    assert DeletionRecord.objects.count() == records
    assert json.dumps(list(Case.objects.order_by("pk").values()), default=str) == snapshot


def test_the_period_comes_from_the_setting(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    fresh = world["closed_case"](31)
    kept = world["closed_case"](29)
    retention.run()
    assert personal_values(fresh) == dict.fromkeys(PERSONAL, "")
    assert personal_values(kept) == PERSONAL
    assert personal_values(world["recent"]) == dict.fromkeys(PERSONAL, "")


def test_walk_in_visits_that_opened_no_case_are_erased_after_the_period(world):
    now = world["now"]
    old = Visit.objects.create(visited_at=now - timedelta(days=DAYS + 1), reason="詢問", **VISITOR)
    new = Visit.objects.create(visited_at=now - timedelta(days=DAYS - 1), reason="詢問", **VISITOR)
    _run_id, _cases, visits = retention.run()
    assert visits == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.visitor_names, old.contacts, old.id_numbers) == ("", "", "")
    assert new.visitor_names == VISITOR["visitor_names"]
    record = DeletionRecord.objects.get(visit_id=old.pk)
    assert record.case is None and record.fields == ["visitor_names", "contacts", "id_numbers"]


def test_erased_cases_cannot_be_found_by_their_citizens_data_any_more(world):
    intake = staff(roles.INTAKE_OFFICER)
    found = case_search.search(intake, PERSONAL["citizen_phone"])
    assert world["expired"].pk in {case.pk for case in found.cases}

    retention.run()

    found = {case.pk for case in case_search.search(intake, PERSONAL["citizen_phone"]).cases}
    assert world["expired"].pk not in found
    assert world["recent"].pk in found


def test_a_beat_entry_runs_the_task_every_night(world):
    task = PeriodicTask.objects.get(name="Personal data retention")
    assert task.task == "casework.tasks.erase_expired_personal_data" and task.enabled
    assert task.crontab.hour == "3"
    run_id, cases, _visits = erase_expired_personal_data.apply().get()
    assert cases == 2 and DeletionRecord.objects.filter(run_id=run_id).count() == 2


def test_auditors_read_the_deletion_ledger_in_the_admin(world, client, admin_access):
    retention.run()
    url = reverse("casework_deletion_ledger")

    client.force_login(staff(roles.AUDITOR))
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert world["expired"].reference in page and world["withdrawn"].reference in page
    assert "phone" in page
    for value in [*PERSONAL.values(), *VISITOR.values()]:
        assert value not in page
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # The reports menu shows it to them.
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()

    client.force_login(staff(roles.HANDLER, world["dept"]))
    assert denied(client.get(url))
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]

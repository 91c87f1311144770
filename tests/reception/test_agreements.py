"""Confidentiality agreements (measures 001 §七(二)2): no personal data before the current version is
accepted, on any back-office path; accepting, re-accepting a new version, and the auditors' list."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework import access, roles
from casework.attachments import add_attachment
from casework.models import Outcome, PersonalDataAccess, RectificationMeasure, Status
from reception import agreements
from reception.models import AgreementAcceptance, ConfidentialityAgreement
from tests.factories import PNG, CaseFactory, DepartmentFactory, staff
from tests.helpers import denied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

NOW = timezone.make_aware(timezone.datetime(2026, 6, 15, 10, 0))
PERSONAL = ["王秀英", "13812345678", "wang@example.org", "中正區重慶南路一段122號", "A123456789"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    dept = DepartmentFactory(name="環境保護局", code="epb")
    case = CaseFactory(
        status=Status.IN_PROGRESS,
        department=dept,
        due_date=NOW.date() - timedelta(days=2),
        citizen_name=PERSONAL[0],
        citizen_phone=PERSONAL[1],
        citizen_email=PERSONAL[2],
        citizen_address=PERSONAL[3],
        citizen_id_number=PERSONAL[4],
    )
    attachment = add_attachment(case, SimpleUploadedFile("photo.png", PNG), None)
    RectificationMeasure.objects.create(
        case=case,
        outcome=Outcome.objects.create(case=case, characterisation="屬實"),
        department=dept,
        description="更換路燈",
        deadline=NOW.date() + timedelta(days=10),
    )
    return {
        "dept": dept,
        "case": case,
        "attachment": attachment,
        "supervisor": staff(roles.SUPERVISOR, accepts_agreement=False),
        "handler": staff(roles.HANDLER, dept, accepts_agreement=False),
        "intake": staff(roles.INTAKE_OFFICER, accepts_agreement=False),
        "manager": staff(roles.MANAGER),
        "auditor": staff(roles.AUDITOR),
    }


def shows_personal_data(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [value for value in PERSONAL if value in text]


def refused_to_agreement(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("agreements:agreement"))


@pytest.mark.parametrize("who", ["supervisor", "handler", "intake"])
def test_without_acceptance_no_path_shows_personal_data_and_nothing_is_logged(client, world, who):
    case, user = world["case"], world[who]
    client.force_login(user)
    assert not access.can_see_personal_data(user, case)

    detail = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert detail.status_code == 200 and shows_personal_data(detail) == []
    page = detail.content.decode()
    assert "data-awaits-agreement" in page and reverse("agreements:agreement") in page
    printed = client.get(reverse("casework:case_print", args=[case.pk]))
    assert printed.status_code == 200 and shows_personal_data(printed) == []

    download = client.get(reverse("casework:attachment_download", args=[case.pk, world["attachment"].pk]))
    assert refused_to_agreement(download)
    assert "next=" in download["Location"]

    for url in (reverse("ledger:ledger"), reverse("rectification:ledger")):
        screen = client.get(url, {"unmask": "1"})
        exported = client.get(url, {"unmask": "1", "format": "csv"})
        if who == "supervisor":  # the role that may ask for names is refused, with the reason
            assert refused_to_agreement(screen) and refused_to_agreement(exported)
        else:  # the others' ?unmask=1 is ignored, as before
            assert shows_personal_data(screen) == [] and shows_personal_data(exported) == []
        assert shows_personal_data(client.get(url, {"format": "xlsx"})) == []

    found = client.get("/admin/case-search/", {"q": PERSONAL[1]})
    assert case.reference not in found.content.decode()

    if who in ("supervisor", "intake"):
        assert refused_to_agreement(client.get(reverse("casework:case_register")))
        assert refused_to_agreement(client.get(reverse("casework:visit_create")))
        reissue = client.post(
            reverse("casework:access_code_reissue", args=[case.pk]),
            {"identity_check": "checked the ID card", "delivery": "read_out"},
        )
        assert refused_to_agreement(reissue)

    assert PersonalDataAccess.objects.count() == 0


def test_the_refusal_says_why_in_the_users_language(client, world):
    client.force_login(world["supervisor"])
    response = client.get(reverse("ledger:ledger"), {"unmask": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "accepted the current confidentiality agreement" in page
    assert "I have read and accept this confidentiality agreement" in page


def test_accepting_records_user_version_and_time_then_shows_and_logs(client, world):
    case, handler = world["case"], world["handler"]
    client.force_login(handler)
    back = reverse("casework:case_detail", args=[case.pk])
    page = client.get(reverse("agreements:agreement"), {"next": back}, HTTP_ACCEPT_LANGUAGE="en")
    assert agreements.DEFAULT_TEXT["text_en"][:40] in page.content.decode()

    unticked = client.post(reverse("agreements:agreement"), {"version": 1, "next": back})
    assert unticked.status_code == 400 and not AgreementAcceptance.objects.filter(user=handler).exists()

    ticked = client.post(reverse("agreements:agreement"), {"version": 1, "accept": "on", "next": back})
    assert ticked.status_code == 302 and ticked["Location"] == back
    acceptance = AgreementAcceptance.objects.get(user=handler)
    assert acceptance.agreement.version == 1 and acceptance.accepted_at == NOW

    detail = client.get(back)
    assert shows_personal_data(detail) == PERSONAL
    download = client.get(reverse("casework:attachment_download", args=[case.pk, world["attachment"].pk]))
    assert download.status_code == 200
    assert PersonalDataAccess.objects.filter(user=handler, case=case).count() == 2


def test_an_offsite_next_is_ignored(client, world):
    client.force_login(world["handler"])
    response = client.post(
        reverse("agreements:agreement"), {"version": 1, "accept": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("agreements:agreement")


def test_a_new_version_gates_again_until_accepted(client, world):
    manager, case = world["manager"], world["case"]
    assert access.can_see_personal_data(manager, case)
    client.force_login(manager)
    refused = client.post(
        reverse("agreements:publish"), {"text_zh_hant": "第二版", "effective_on": "2026-06-01"}
    )
    assert refused.status_code == 400 and ConfidentialityAgreement.objects.count() == 1
    published = client.post(
        reverse("agreements:publish"),
        {"text_zh_hant": "第二版保密協議", "text_en": "Version two", "effective_on": "2026-06-15"},
    )
    assert published.status_code == 302
    second = ConfidentialityAgreement.objects.get(version=2)
    assert second.published_by == manager

    assert shows_personal_data(client.get(reverse("casework:case_detail", args=[case.pk]))) == []
    assert refused_to_agreement(client.get(reverse("ledger:ledger"), {"unmask": "1"}))
    # The version it replaced can no longer be accepted instead.
    client.post(reverse("agreements:agreement"), {"version": 1, "accept": "on"})
    assert not agreements.has_accepted_current(type(manager).objects.get(pk=manager.pk))

    client.post(reverse("agreements:agreement"), {"version": 2, "accept": "on"})
    assert shows_personal_data(client.get(reverse("casework:case_detail", args=[case.pk]))) == PERSONAL


def test_a_version_announced_for_later_gates_only_from_its_day(client, world):
    manager = world["manager"]
    agreements.publish(manager, text_zh_hant="第二版", effective_on=NOW.date() + timedelta(days=7))
    assert access.can_see_personal_data(type(manager).objects.get(pk=manager.pk), world["case"])
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        assert not access.can_see_personal_data(type(manager).objects.get(pk=manager.pk), world["case"])


def test_accepting_ahead_carries_over_the_effective_day(client, world):
    manager = world["manager"]
    agreements.publish(manager, text_zh_hant="第二版", effective_on=NOW.date() + timedelta(days=7))
    client.force_login(manager)
    page = client.get(reverse("agreements:agreement")).content.decode()
    assert 'data-agreement-version="2"' in page
    client.post(reverse("agreements:agreement"), {"version": 2, "accept": "on"})
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        assert access.can_see_personal_data(type(manager).objects.get(pk=manager.pk), world["case"])


def test_only_managers_and_supervisors_publish(client, world):
    client.force_login(world["handler"])
    assert denied(client.get(reverse("agreements:publish")))
    assert denied(
        client.post(reverse("agreements:publish"), {"text_zh_hant": "x", "effective_on": "2026-07-01"})
    )
    assert ConfidentialityAgreement.objects.count() == 1


def test_without_a_version_in_effect_nobody_sees_personal_data(world):
    AgreementAcceptance.objects.all().delete()
    ConfidentialityAgreement.objects.all().delete()
    manager = type(world["manager"]).objects.get(pk=world["manager"].pk)
    assert not access.can_see_personal_data(manager, world["case"])
    assert access.personal_data_department_ids(manager) == frozenset()


def test_auditors_list_who_accepted_which_version_and_who_has_not(client, world):
    client.force_login(world["auditor"])
    response = client.get(reverse("agreements:acceptances"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("supervisor", "handler", "intake"):
        row = page.split(f'data-user="{world[name].username}"')[1].split("</tr>")[0]
        assert "data-not-accepted" in row
    manager_row = page.split(f'data-user="{world["manager"].username}"')[1].split("</tr>")[0]
    assert timezone.localtime(NOW).strftime("%Y-%m-%d %H:%M") in manager_row
    assert 'data-missing="3"' in page

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("agreements:acceptances"), {"format": "csv"}).content.decode("utf-8-sig")
            )
        )
    )
    by_user = {row[0]: row for row in rows[1:]}
    assert by_user[world["manager"].username][2:] == [
        "1",
        timezone.localtime(NOW).strftime("%Y-%m-%d %H:%M"),
        "1",
    ]
    assert by_user[world["handler"].username][3] != "" and by_user[world["handler"].username][4] == ""

    book = load_workbook(
        io.BytesIO(client.get(reverse("agreements:acceptances"), {"format": "xlsx"}).content)
    )
    sheet = book.worksheets[0]
    assert sheet.max_row == len(rows)

    client.force_login(world["handler"])
    assert denied(client.get(reverse("agreements:acceptances")))


def test_the_list_of_an_older_version_shows_its_acceptances(client, world):
    manager = world["manager"]
    agreements.publish(manager, text_zh_hant="第二版", effective_on=NOW.date())
    client.force_login(manager)
    current = client.get(reverse("agreements:acceptances")).content.decode()
    assert 'data-missing="5"' in current  # everyone, the manager included, must accept version 2
    older = client.get(reverse("agreements:acceptances"), {"version": "1"}).content.decode()
    assert 'data-missing="3"' in older
    bad = client.get(reverse("agreements:acceptances"), {"version": "x"})
    assert bad.status_code == 200


def test_factories_staff_accept_by_default(world):
    assert agreements.has_accepted_current(staff(roles.REVIEWER, world["dept"]))
    assert date(2020, 1, 1) == agreements.current_agreement().effective_on


def test_the_dashboard_reminds_staff_who_have_not_accepted(client, world):
    client.force_login(world["handler"])
    assert "data-agreement-reminder" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(world["manager"])
    assert "data-agreement-reminder" not in client.get(reverse("wagtailadmin_home")).content.decode()

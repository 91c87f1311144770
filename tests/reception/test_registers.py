"""The full registers (measures 000 §三(二), §三(四)3, §四(一)3): the visit register and the complaint
register take every field of their printed forms, print filled (page and PDF) for those who may see
them, log each showing of personal data, and the visitor takes a slip with how to track."""

import uuid
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from casework import roles, workflow
from casework.models import Case, Category, PersonalDataAccess, Status, Visit
from reception import admin_registers, registers
from tests.factories import CaseFactory, DepartmentFactory, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_access")]

TUESDAY = datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Taipei"))

VISIT = {
    "visited_at": "2026-11-24T10:00",
    "visitor_count": 2,
    "visitor_names": "林大同、林小美",
    "id_numbers": "A123456789",
    "citizen_phone": "0922-000-111",
    "citizen_email": "lin@example.org",
    "contacts": "LINE: lindatong",
    "address": "臺北市中山區民權東路二段88號",
    "reason": "社區道路坑洞多次反映未改善",
    "materials_provided": "坑洞照片6張\n陳情書影本",
    "outcome": "已登記並說明處理流程",
    "visitor_confirmed": "on",
    "language": "en",
}


def t(text, language=None):
    """The text in the language (the office's by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return translation.gettext(text)


def text(response):
    """The page as a reader sees it: HTML entities (&#x27; for ') read as their characters."""
    return unescape(response.content.decode())


@pytest.fixture
def world():
    dept, other = DepartmentFactory(name="工務局", code="pwd"), DepartmentFactory(name="交通局", code="dot")
    return {
        "dept": dept,
        "other": other,
        "intake": staff(roles.INTAKE_OFFICER, first_name="Mei", last_name="Chen"),
        "auditor": staff(roles.AUDITOR),
        "handler": staff(roles.HANDLER, dept),
        "outsider": staff(roles.HANDLER, other),
        "editor": staff(roles.EDITOR),
    }


def _register_visit(client, world, **extra):
    client.force_login(world["intake"])
    with time_machine.travel(TUESDAY, tick=False):
        response = client.post(reverse("casework:visit_create"), {**VISIT, **extra})
    # The session was saved on that Tuesday and has expired since: sign in again, today.
    client.force_login(world["intake"])
    return response


def _complaint(world, **extra):
    with time_machine.travel(TUESDAY, tick=False):
        case, _code = workflow.register_case(
            actor=world["intake"],
            channel="hotline",
            category=Category.COMPLAINT,
            subject="施工噪音",
            content="夜間施工噪音持續到凌晨兩點。",
            citizen_name="李志明",
            citizen_phone="0912345678",
            citizen_address="臺北市大安區和平東路三段1號",
            evidence_provided="噪音量測紀錄1份",
            citizen_confirmed=True,
            **extra,
        )
    return case


# --- The forms -----------------------------------------------------------------------------------


def test_the_visit_form_keeps_every_field_of_the_printed_register(client, world):
    response = _register_visit(client, world)
    visit = Visit.objects.get()
    assert response["Location"] == reverse("casework:visit_inspect", args=[visit.pk])
    assert (visit.phone, visit.email, visit.contacts) == (
        "0922-000-111",
        "lin@example.org",
        "LINE: lindatong",
    )
    assert visit.address == "臺北市中山區民權東路二段88號"
    assert visit.materials_provided == "坑洞照片6張\n陳情書影本"
    assert visit.visitor_confirmed and visit.officer == world["intake"]


def test_a_visit_opening_a_complaint_carries_the_register_into_the_case(client, world):
    _register_visit(client, world, open_case="on", category="complaint", subject="道路坑洞")
    case = Visit.objects.get().case
    assert case.citizen_address == "臺北市中山區民權東路二段88號"
    assert case.evidence_provided == "坑洞照片6張\n陳情書影本"
    assert case.citizen_confirmed and case.citizen_phone == "0922-000-111"
    assert case.language == "en"


def test_the_visit_form_refuses_bad_register_fields_with_clear_messages(client, world):
    response = _register_visit(
        client,
        world,
        citizen_phone="call me",
        citizen_email="not-an-address",
        address="路" * 301,
        materials_provided="照" * 2001,
    )
    html = text(response)
    assert response.status_code == 200 and not Visit.objects.exists()
    assert t("Enter a phone number with digits only (spaces, + and - are allowed).") in html
    assert t("An address of at most 300 characters.") in html
    assert t("At most 2000 characters: list the documents briefly.") in html
    assert not PersonalDataAccess.objects.exists()


def test_the_case_registration_keeps_the_complaint_register(client, world):
    client.force_login(world["intake"])
    response = client.post(
        reverse("casework:case_register"),
        {
            "channel": "hotline",
            "category": "complaint",
            "subject": "施工噪音",
            "content": "夜間施工噪音持續到凌晨兩點。",
            "citizen_name": "李志明",
            "citizen_phone": "0912 345 678",
            "citizen_address": "臺北市大安區和平東路三段1號",
            "evidence_provided": "噪音量測紀錄1份",
            "citizen_confirmed": "on",
            "language": "zh-hans",
            "priority": 2,
        },
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("casework:case_registered", args=[case.pk])
    assert case.evidence_provided == "噪音量測紀錄1份" and case.citizen_confirmed
    assert case.language == "zh-hans"


def test_an_anonymous_caller_cannot_confirm_the_complaint_register(client, world):
    client.force_login(world["intake"])
    response = client.post(
        reverse("casework:case_register"),
        {
            "channel": "hotline",
            "category": "complaint",
            "subject": "匿名檢舉",
            "content": "有人違規停車。",
            "citizen_confirmed": "on",
            "citizen_phone": "phone",
            "evidence_provided": "證" * 2001,
            "language": "zh-hant",
            "priority": 2,
        },
    )
    html = text(response)
    assert response.status_code == 200 and not Case.objects.exists()
    assert t("Only a citizen who gave their name can confirm the register.") in html
    assert t("Enter a phone number with digits only (spaces, + and - are allowed).") in html


# --- The printed registers -----------------------------------------------------------------------


def test_the_printed_visit_register_shows_every_field_and_logs_the_showing(client, world):
    _register_visit(client, world, open_case="on", category="complaint", subject="道路坑洞")
    visit = Visit.objects.get()
    html = text(client.get(reverse("registers:visit_register", args=[visit.pk])))
    for label in (
        "Date and time of visit",
        "Number of visitors",
        "Name",
        "ID document number",
        "Telephone",
        "E-mail",
        "Address",
        "Reason for the visit",
        "Documents provided",
        "Reception officer",
        "Reference",
        "Outcome",
        "Confirmed by the visitor",
        "Visitor's signature",
    ):
        assert t(label) in html, label
    for value in (
        "2026-11-24 10:00",
        "林大同、林小美",
        "A123456789",
        "0922-000-111",
        "lin@example.org",
        "LINE: lindatong",
        "臺北市中山區民權東路二段88號",
        "社區道路坑洞多次反映未改善",
        "坑洞照片6張",
        "Mei Chen",
        visit.case.reference,
        "已登記並說明處理流程",
        t("Yes"),
    ):
        assert value in html, value
    assert 'class="form-grid"' in html and "@media print" in html
    logged = PersonalDataAccess.objects.get(what__startswith="visit register")
    assert logged.user == world["intake"] and logged.case == visit.case


def test_the_printed_complaint_register_shows_every_field(client, world):
    case = _complaint(world)
    client.force_login(world["intake"])
    html = text(client.get(reverse("registers:complaint_register", args=[case.pk])))
    for label in (
        "Date received",
        "Channel",
        "Complainant's name",
        "Telephone",
        "Address",
        "Subject of the complaint",
        "Facts and request",
        "Evidence provided",
        "Receiving officer",
        "Transferred to department",
        "Reference",
        "Expected reply date",
        "Confirmed by the complainant",
        "Complainant's signature",
    ):
        assert t(label) in html, label
    for value in (
        "2026-11-24 10:00",
        case.get_channel_display(),
        "李志明",
        "0912345678",
        "臺北市大安區和平東路三段1號",
        "施工噪音",
        "夜間施工噪音持續到凌晨兩點。",
        "噪音量測紀錄1份",
        "Mei Chen",
        case.reference,
        case.reply_due.isoformat(),
    ):
        assert value in html, value
    assert PersonalDataAccess.objects.filter(case=case, user=world["intake"]).exists()


def test_an_auditor_reads_the_registers_masked_and_nothing_is_logged(client, world):
    case = _complaint(world)
    client.force_login(world["auditor"])
    html = text(client.get(reverse("registers:complaint_register", args=[case.pk])))
    assert "李*明" in html and "李志明" not in html and "和平東路" not in html
    assert t("Your role does not show this citizen's personal data.") in html
    assert not PersonalDataAccess.objects.exists()


def test_outsiders_get_404(client, world):
    case = _complaint(world)
    workflow.accept(case, world["intake"])
    workflow.route(case, world["intake"], department=world["dept"])
    visit = Visit.objects.create(
        visitor_names="李志明", reason="施工噪音", case=case, officer=world["intake"]
    )
    inquiry = CaseFactory(category=Category.INQUIRY, status=Status.ROUTED, department=world["dept"])
    urls = [
        reverse("registers:complaint_register", args=[case.pk]),
        reverse("registers:complaint_register_pdf", args=[case.pk]),
        reverse("registers:visit_register", args=[visit.pk]),
        reverse("registers:visit_register_pdf", args=[visit.pk]),
        reverse("registers:slip", args=[case.pk]),
        reverse("registers:slip_pdf", args=[case.pk]),
    ]
    for user in (world["outsider"], world["editor"]):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(world["handler"])  # the case's department: its registers are theirs to print
    for url in urls[::2]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("registers:complaint_register", args=[inquiry.pk])).status_code == 404
    assert not PersonalDataAccess.objects.filter(user__in=[world["outsider"], world["editor"]]).exists()


# --- PDF -----------------------------------------------------------------------------------------


def test_the_registers_and_the_slip_print_as_pdf_in_a_chinese_font(client, world, monkeypatch):
    render = admin_registers.render_pdf
    monkeypatch.setattr(admin_registers, "render_pdf", lambda html: render(html, uncompressed_pdf=True))
    case = _complaint(world)
    visit = Visit.objects.create(
        visitor_names="李志明", reason="施工噪音", case=case, officer=world["intake"]
    )
    client.force_login(world["intake"])
    for url in (
        reverse("registers:complaint_register_pdf", args=[case.pk]),
        reverse("registers:visit_register_pdf", args=[visit.pk]),
        reverse("registers:slip_pdf", args=[case.pk]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf", url
        assert response.content.startswith(b"%PDF"), url
        assert b"WenQuanYi-Micro-Hei" in response.content, url
    assert PersonalDataAccess.objects.filter(case=case, what__startswith="visit register").exists()
    assert PersonalDataAccess.objects.filter(case=case, what__startswith="complaint register").exists()


def test_without_weasyprint_the_pdf_link_explains_and_offers_the_page(client, world, monkeypatch):
    monkeypatch.setattr(admin_registers, "render_pdf", lambda html: None)
    case = _complaint(world)
    client.force_login(world["intake"])
    response = client.get(reverse("registers:complaint_register_pdf", args=[case.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("registers:complaint_register", args=[case.pk])
    html = text(response)
    assert t("The PDF cannot be made on this server at the moment; print this page instead.") in html


# --- The visitor's slip --------------------------------------------------------------------------


def test_the_slip_is_in_the_citizens_language_with_reference_reply_date_and_no_access_code(client, world):
    case = _complaint(world, language="en")
    client.force_login(world["intake"])
    html = text(client.get(reverse("registers:slip", args=[case.pk])))
    assert '<html lang="en">' in html
    assert "Your appeal: reference and how to track it" in html
    assert case.reference in html and case.reply_due.isoformat() in html
    assert "data-access-code" not in html
    assert "李志明" not in html and "0912345678" not in html


def test_the_slip_carries_the_access_code_only_right_after_the_registration(client, world):
    client.force_login(world["intake"])
    with time_machine.travel(TUESDAY, tick=False):
        client.post(
            reverse("casework:case_register"),
            {
                "channel": "hotline",
                "category": "complaint",
                "subject": "施工噪音",
                "content": "夜間施工。",
                "citizen_name": "李志明",
                "language": "zh-hant",
                "priority": 2,
            },
        )
        case = Case.objects.get()
        registered = text(client.get(reverse("casework:case_registered", args=[case.pk])))
        code = registered.split("data-access-code>")[1].split("<")[0]
        assert reverse("registers:slip", args=[case.pk]) in registered
        slip = text(client.get(reverse("registers:slip", args=[case.pk])))
    assert f"data-access-code>{code}<" in slip
    assert t("Your appeal: reference and how to track it", "zh-hant") in slip
    later = datetime.fromtimestamp(TUESDAY.timestamp() + registers.SLIP_CODE_SECONDS + 1, tz=TUESDAY.tzinfo)
    with time_machine.travel(later, tick=False):
        assert code not in text(client.get(reverse("registers:slip", args=[case.pk])))


def test_the_slip_names_the_tracking_page(client, world, monkeypatch):
    monkeypatch.setattr(
        registers,
        "tracking_url",
        lambda reference, language: f"https://appeals.example/track/?reference={reference}",
    )
    case = _complaint(world)
    client.force_login(world["intake"])
    html = text(client.get(reverse("registers:slip", args=[case.pk])))
    assert f"https://appeals.example/track/?reference={case.reference}" in html


# --- Links ---------------------------------------------------------------------------------------


def test_the_case_page_and_the_visit_page_link_the_printouts(client, world):
    _register_visit(client, world, open_case="on", category="complaint", subject="道路坑洞")
    visit = Visit.objects.get()
    case_page = text(client.get(reverse("casework:case_detail", args=[visit.case.pk])))
    assert reverse("registers:complaint_register", args=[visit.case.pk]) in case_page
    assert reverse("registers:slip", args=[visit.case.pk]) in case_page
    assert reverse("registers:visit_register", args=[visit.pk]) in case_page
    visit_page = text(client.get(reverse("casework:visit_inspect", args=[visit.pk])))
    assert reverse("registers:visit_register", args=[visit.pk]) in visit_page
    assert reverse("registers:slip", args=[visit.case.pk]) in visit_page
    assert t("Print the visitor's slip") in visit_page


def test_the_retention_erases_the_new_register_fields(world):
    from casework.workflow.erasure import erase_case, erase_visit

    visit = Visit.objects.create(
        visitor_names="林大同",
        reason="詢問",
        phone="0922000111",
        email="lin@example.org",
        address="民權東路二段88號",
        materials_provided="照片",
        officer=world["intake"],
    )
    record = erase_visit(visit, run_id=uuid.uuid4(), retention_days=1)
    visit.refresh_from_db()
    assert (visit.phone, visit.email, visit.address, visit.materials_provided) == ("", "", "", "")
    assert {"phone", "email", "address", "materials_provided"} <= set(record.fields)
    case = _complaint(world)
    erase_case(case, run_id=uuid.uuid4(), retention_days=1)
    case.refresh_from_db()
    assert case.evidence_provided == "" and case.citizen_address == ""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_register_is_in_the_staff_members_language_and_the_slip_in_the_citizens(client, world, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(world["intake"])
    profile.preferred_language = language
    profile.save()
    case = _complaint(world)  # the citizen reads Traditional Chinese (the office's language)
    client.force_login(world["intake"])
    register = text(client.get(reverse("registers:complaint_register", args=[case.pk])))
    assert f'<html lang="{language}">' in register
    assert t("Complaint registration form", language) in register
    assert t("Facts and request", language) in register
    slip = text(client.get(reverse("registers:slip", args=[case.pk])))
    assert '<html lang="zh-hant">' in slip
    assert t("Your appeal: reference and how to track it", "zh-hant") in slip

"""Following a case on the portal: reference and access code, what the citizen sees, more
information, rating the reply and asking for the case to be handled again."""

import re

import pytest
from django.urls import reverse

from casework import roles, workflow
from casework.models import Attachment, Case, Category, Channel, Event, Satisfaction, Status
from tests.factories import staff

from .appeal_pages import PNG, TRACK_URL, appeal_pages, upload  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages", "admin_access")


@pytest.fixture
def intake(db):
    return staff(roles.INTAKE_OFFICER, first_name="林", last_name="接待員")


def filed(category=Category.INQUIRY, subject="路燈故障", **citizen):
    citizen = {
        "citizen_name": "王小明",
        "citizen_phone": "0912345678",
        "citizen_email": "wang@example.org",
        "citizen_address": "中山路一號",
        **citizen,
    }
    return workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category=category,
        subject=subject,
        content="住家附近的路燈已經壞了兩週。",
        **citizen,
    )


def look_up(client, reference, code):
    return client.post(TRACK_URL, {"action": "lookup", "reference": reference, "access_code": code})


def test_a_case_is_shown_after_reference_and_code_with_nothing_in_the_url(client):
    case, code = filed()
    response = look_up(client, case.reference, code)
    assert response.status_code == 302 and response["Location"] == TRACK_URL
    page = client.get(TRACK_URL)
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert case.reference in html
    assert case.get_status_display() in html or "已登記" in html
    assert case.reply_due.isoformat() in html
    # The code can be typed in lower case and with spaces around the reference.
    other = client.__class__()
    assert look_up(other, f"  {case.reference.lower()} ", code.lower()).status_code == 302


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(client):
    case, code = filed()
    wrong = look_up(client, case.reference, "WRONGCODE123")
    unknown = look_up(client, "MY-1999-999999", code)
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["tracking_form"].errors == unknown.context["tracking_form"].errors
    assert "找不到" in wrong.content.decode()

    def without_token(r):
        return re.sub(
            r'value="[^"]*" name="csrfmiddlewaretoken"|name="csrfmiddlewaretoken" value="[^"]*"',
            "",
            r.content.decode(),
        )

    assert without_token(wrong).replace(case.reference, "MY-1999-999999") == without_token(unknown)


def test_lookups_are_rate_limited(client, settings):
    settings.TRACKING_ATTEMPTS_PER_HOUR = 3
    case, code = filed()
    for _ in range(3):
        assert look_up(client, case.reference, "WRONG").status_code == 200
    refused = look_up(client, case.reference, code)
    assert refused.status_code == 429
    assert "嘗試次數過多" in refused.content.decode()


def test_the_citizen_sees_public_replies_but_no_notes_staff_names_or_contact_data(client, intake):
    case, code = filed(citizen_name="王小明", citizen_phone="0987654321", citizen_address="中山路一號")
    workflow.add_note(case, intake, "內部備註：此人常來電")
    workflow.answer_directly(case, intake, "受理時間為週一至週五上午九時至下午五時。")
    look_up(client, case.reference, code)
    html = client.get(TRACK_URL).content.decode()
    assert "受理時間為週一至週五上午九時至下午五時。" in html
    for secret in (
        "內部備註",
        "接待員",
        intake.username,
        "王小明",
        "0987654321",
        "wang@example.org",
        "中山路一號",
    ):
        assert secret not in html, secret


def test_more_information_resumes_the_case(client, intake):
    case, code = filed()
    workflow.request_information(case, intake, "請提供路燈桿上的編號。")
    look_up(client, case.reference, code)
    html = client.get(TRACK_URL).content.decode()
    assert "請提供路燈桿上的編號。" in html and 'value="information"' in html

    empty = client.post(TRACK_URL, {"action": "information", "text": ""})
    assert empty.status_code == 200 and "text" in empty.context["information_form"].errors

    response = client.post(
        TRACK_URL, {"action": "information", "text": "編號 A-123", "attachments": [upload("pole.png", PNG)]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and not case.is_paused
    assert case.events.filter(
        kind=Event.Kind.INFORMATION_RECEIVED, is_public=True, text="編號 A-123"
    ).exists()
    assert Attachment.objects.filter(case=case, content_type="image/png").count() == 1
    assert "已收到您的補充資料" in client.get(TRACK_URL).content.decode()


def test_a_disguised_file_with_the_information_is_refused_and_nothing_changes(client, intake):
    case, code = filed()
    workflow.request_information(case, intake, "請提供照片。")
    look_up(client, case.reference, code)
    response = client.post(
        TRACK_URL,
        {"action": "information", "text": "照片", "attachments": [upload("photo.jpg", b"<html>x</html>")]},
    )
    assert response.status_code == 200
    assert "photo.jpg" in " ".join(response.context["information_form"].errors["attachments"])
    case.refresh_from_db()
    assert case.status == Status.AWAITING_INFORMATION


def test_rating_the_reply(client, intake):
    case, code = filed()
    workflow.answer_directly(case, intake, "請於辦公時間來電。")
    look_up(client, case.reference, code)
    assert 'value="satisfaction"' in client.get(TRACK_URL).content.decode()

    no_reason = client.post(
        TRACK_URL, {"action": "satisfaction", "satisfaction": "dissatisfied", "comment": ""}
    )
    assert "comment" in no_reason.context["satisfaction_form"].errors
    reopen_when_happy = client.post(
        TRACK_URL, {"action": "satisfaction", "satisfaction": "satisfied", "reopen": "on"}
    )
    assert "reopen" in reopen_when_happy.context["satisfaction_form"].errors

    assert (
        client.post(TRACK_URL, {"action": "satisfaction", "satisfaction": "basically_satisfied"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.status == Status.FOLLOWED_UP and case.satisfaction == Satisfaction.BASICALLY_SATISFIED
    assert not case.events.filter(kind=Event.Kind.NOTE).exists()
    # Rated once: the form is gone.
    assert 'value="satisfaction"' not in client.get(TRACK_URL).content.decode()


def test_dissatisfied_citizen_asks_to_reopen_and_staff_see_it(client, intake):
    case, code = filed()
    workflow.answer_directly(case, intake, "請於辦公時間來電。")
    look_up(client, case.reference, code)
    response = client.post(
        TRACK_URL,
        {
            "action": "satisfaction",
            "satisfaction": "dissatisfied",
            "comment": "電話一直沒人接",
            "reopen": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.DISSATISFIED
    note = case.events.get(kind=Event.Kind.NOTE)
    assert not note.is_public and note.actor is None and "電話一直沒人接" in note.text
    assert workflow.can(staff(roles.SUPERVISOR), case, "reopen")
    assert "轉交工作人員" in client.get(TRACK_URL).content.decode()

    supervisor = staff(roles.SUPERVISOR)
    client.force_login(supervisor)
    admin_html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "要求重辦" in admin_html and "電話一直沒人接" in admin_html


def test_steps_need_a_verified_case_in_the_session(client, intake):
    case, code = filed()
    workflow.request_information(case, intake, "請提供編號。")
    response = client.post(TRACK_URL, {"action": "information", "text": "冒充"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.AWAITING_INFORMATION
    assert Case.objects.get(pk=case.pk).events.filter(kind=Event.Kind.INFORMATION_RECEIVED).count() == 0


def test_looking_up_another_case_forgets_the_first(client):
    case, code = filed()
    look_up(client, case.reference, code)
    assert client.post(TRACK_URL, {"action": "leave"}).status_code == 302
    html = client.get(TRACK_URL).content.decode()
    assert case.reference not in html and 'name="access_code"' in html


def test_script_in_a_case_shows_as_text_on_the_tracking_and_admin_pages(client, intake):
    case, code = filed(subject="<script>alert('x')</script>")
    workflow.answer_directly(case, intake, "<script>alert('reply')</script>")
    look_up(client, case.reference, code)
    html = client.get(TRACK_URL).content.decode()
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html
    client.force_login(intake)
    admin_html = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert "<script>alert('x')" not in admin_html and "&lt;script&gt;alert(" in admin_html

"""The citizen's own case on the tracking page: what they filed, their files (only in the session
that opened the case), and withdrawing an open case online."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework import roles, workflow
from casework.attachments import add_attachment
from casework.models import Case, Channel, Event, OutboxMessage, Status
from notifications import outbox
from tests.factories import PNG, DepartmentFactory, staff

from .appeal_pages import PDF, TRACK_URL, appeal_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages", "admin_access")


def filed(**extra):
    return workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject="路燈故障",
        content="住家附近的路燈已經壞了兩週。\n晚上很危險。",
        citizen_name="王小明",
        citizen_email="wang@example.org",
        **extra,
    )


def track(client, case, code):
    response = client.post(TRACK_URL, {"action": "lookup", "reference": case.reference, "access_code": code})
    assert response.status_code == 302
    return client.get(TRACK_URL)


def withdraw(client, **data):
    return client.post(TRACK_URL, {"action": "withdraw", "reason": "已自行解決", "confirm": "on", **data})


@pytest.fixture
def with_files():
    case, code = filed()
    mine = add_attachment(case, SimpleUploadedFile("路燈.pdf", PDF), None)
    photo = add_attachment(case, SimpleUploadedFile("photo.png", PNG), None)
    theirs = add_attachment(case, SimpleUploadedFile("稽查報告.pdf", PDF), staff(roles.INTAKE_OFFICER))
    return case, code, mine, photo, theirs


def test_the_tracked_case_shows_what_the_citizen_filed_and_their_own_files(client, with_files):
    case, code, mine, photo, theirs = with_files
    html = track(client, case, code).content.decode()
    assert "投訴" in re.search(r'id="case-category">([^<]+)<', html)[1] or case.get_category_display() in html
    assert "住家附近的路燈已經壞了兩週。<br>晚上很危險。" in html
    assert f"{TRACK_URL}files/{mine.pk}/" in html and "路燈.pdf" in html
    assert f"{TRACK_URL}files/{photo.pk}/" in html
    assert "稽查報告.pdf" not in html and f"files/{theirs.pk}/" not in html


def test_nothing_of_the_case_shows_before_it_is_opened(client, with_files):
    case, _code, *_files = with_files
    html = client.get(TRACK_URL).content.decode()
    assert "住家附近的路燈" not in html and "路燈.pdf" not in html


def test_own_files_download_only_in_the_tracked_session(client, with_files, caplog):
    case, code, mine, photo, theirs = with_files
    stranger = client.__class__()
    assert stranger.get(f"{TRACK_URL}files/{mine.pk}/").status_code == 404
    track(client, case, code)
    response = client.get(f"{TRACK_URL}files/{mine.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert client.get(f"{TRACK_URL}files/{photo.pk}/")["Content-Type"] == "image/png"
    # Files the staff added, and files of other cases, are not the citizen's to download.
    assert client.get(f"{TRACK_URL}files/{theirs.pk}/").status_code == 404
    other, _other_code = filed()
    elsewhere = add_attachment(other, SimpleUploadedFile("別人的.pdf", PDF), None)
    assert client.get(f"{TRACK_URL}files/{elsewhere.pk}/").status_code == 404
    assert "王小明" not in caplog.text and "路燈.pdf" not in caplog.text


def test_the_citizen_withdraws_an_open_case_with_a_reason_and_the_handler_hears_of_it(client):
    department = DepartmentFactory()
    handler = staff(roles.HANDLER, department=department)
    case, code = filed()
    Case.objects.filter(pk=case.pk).update(status=Status.IN_PROGRESS, department=department, handler=handler)
    track(client, case, code)
    response = withdraw(client)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN and case.closed_at is not None
    html = client.get(TRACK_URL).content.decode()
    timeline = re.search(r'<ol class="[^"]*timeline">(.*?)</ol>', html, re.S)[1]
    assert "已撤回" in timeline and "已自行解決" in timeline
    assert 'value="withdraw"' not in html
    message = OutboxMessage.objects.get(template="withdrawn")
    assert message.user == handler and message.context["reason"] == "已自行解決"
    subject, body = outbox.render(message)
    assert case.reference in subject and "撤回" in subject and "已自行解決" in body
    event = case.events.get(kind=Event.Kind.WITHDRAWN)
    assert event.actor is None and event.is_public


@pytest.mark.parametrize(
    "data, field",
    [({"reason": "  "}, "reason"), ({"confirm": ""}, "confirm")],
)
def test_withdrawal_needs_a_reason_and_a_confirmation(client, data, field):
    case, code = filed()
    track(client, case, code)
    response = withdraw(client, **data)
    assert response.status_code == 200 and response.context["withdrawal_form"].errors[field]
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_a_closed_case_offers_no_withdrawal_and_the_command_refuses_it(client):
    case, code = filed()
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    html = track(client, case, code).content.decode()
    assert 'value="withdraw"' not in html
    withdraw(client)
    case.refresh_from_db()
    assert case.status == Status.CLOSED


@pytest.mark.parametrize("status", [Status.REPLIED, Status.FOLLOWED_UP])
def test_once_answered_the_citizen_rates_rather_than_withdraws_but_staff_still_may(client, status):
    case, code = filed()
    Case.objects.filter(pk=case.pk).update(status=status)
    html = track(client, case, code).content.decode()
    assert 'value="withdraw"' not in html
    withdraw(client, reason="不需要了", confirm="on")
    case.refresh_from_db()
    assert case.status == status
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.withdraw(case, None, "不需要了")
    assert workflow.can(staff(roles.INTAKE_OFFICER), case, "withdraw")


def test_the_citizen_must_give_a_reason_to_the_command_too():
    case, _code = filed()
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.withdraw(case, None, "")

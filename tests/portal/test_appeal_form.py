"""The online appeal form: what a citizen must give, what the office refuses, and the receipt."""

import re

import pytest
from django.core import mail

from casework.models import Attachment, Case, Event

from .appeal_pages import (
    APPEAL_URL,
    PDF,
    PNG,
    RECEIPT_URL,
    appeal_data,
    appeal_pages,  # noqa: F401
    file_appeal,
    token_of,
    upload,
)

pytestmark = pytest.mark.usefixtures("appeal_pages")


def test_form_renders_in_the_requested_language_and_is_never_cached(client):
    response = client.get(APPEAL_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "訴求類別" in html and "提交訴求" in html
    assert "no-store" in response["Cache-Control"]
    assert 'name="captcha_1"' in html
    assert 'name="website"' in html


def test_a_filed_appeal_creates_one_case_and_shows_reference_and_code_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = file_appeal(client)
    assert response.status_code == 302
    assert response["Location"].endswith(RECEIPT_URL)
    case = Case.objects.get()
    assert case.channel == "web" and case.category == "complaint"
    assert case.citizen_email == "citizen@example.org"
    assert list(case.events.values_list("kind", flat=True)) == [Event.Kind.REGISTERED]

    receipt = client.get(RECEIPT_URL)
    html = receipt.content.decode()
    assert "no-store" in receipt["Cache-Control"]
    reference = re.search(r'id="case-reference">([^<]+)<', html).group(1)
    code = re.search(r'id="case-access-code">([^<]+)<', html).group(1)
    assert reference == case.reference
    assert case.check_access_code(code)
    assert case.reply_due.isoformat() in html
    assert "工作天" in html

    # Shown once only: reloading the receipt no longer shows the code.
    again = client.get(RECEIPT_URL).content.decode()
    assert code not in again and 'id="case-access-code"' not in again

    # The acknowledgement went to the citizen's address through the notification path.
    assert [m.to for m in mail.outbox] == [["citizen@example.org"]]
    assert case.reference in mail.outbox[0].subject


def test_posting_the_same_form_twice_creates_one_case(client):
    token = token_of(client.get(APPEAL_URL))
    first = client.post(APPEAL_URL, appeal_data(token))
    second = client.post(APPEAL_URL, appeal_data(token))
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1


def test_a_token_never_issued_creates_nothing_and_keeps_what_was_typed(client):
    client.get(APPEAL_URL)
    response = client.post(APPEAL_URL, appeal_data("made-up-token"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "此表單已逾時" in html
    assert "路燈故障" in html  # the citizen's text is still in the form
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"subject": ""}, "subject", "必要欄位"),
        ({"content": "   "}, "content", "必要欄位"),
        ({"subject": "字" * 201}, "subject", "200"),
        ({"content": "字" * 5001}, "content", "5000"),
        ({"phone": "", "email": "", "reply_channel": "web"}, "phone", "電話"),
        ({"email": "not-an-address"}, "email", "電子郵件"),
        ({"phone": "call me", "reply_channel": "web"}, "phone", "電話"),
        ({"name": ""}, "name", "姓名"),
        ({"consent": None}, "consent", "私隱"),
        ({"captcha_1": "wrong"}, "captcha", ""),
        ({"email": "", "reply_channel": "email"}, "email", "電子郵件"),
        ({"address": "", "reply_channel": "letter"}, "address", "地址"),
        ({"category": "nonsense"}, "category", ""),
    ],
)
def test_invalid_input_is_refused_with_a_message_in_the_citizens_language(client, overrides, field, message):
    response = file_appeal(client, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert Case.objects.count() == 0


def test_anonymous_suggestion_is_accepted_without_contact_details_and_keeps_none(client):
    response = file_appeal(
        client, category="suggestion", anonymous="on", name="王小明", phone="", email="", reply_channel="web"
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.citizen_name, case.citizen_phone, case.citizen_email) == ("", "", "")
    html = client.get(RECEIPT_URL).content.decode()
    assert "匿名" in html and "不會答復" in html


@pytest.mark.parametrize("category", ["complaint", "inquiry", "help"])
def test_anonymity_is_refused_for_complaints_inquiries_and_help(client, category):
    response = file_appeal(client, category=category, anonymous="on", name="", phone="", email="")
    assert response.status_code == 200
    assert "anonymous" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_a_filled_honeypot_looks_like_success_but_creates_nothing(client):
    response = file_appeal(client, website="http://spam.example")
    assert response.status_code == 302
    assert Case.objects.count() == 0
    html = client.get(RECEIPT_URL).content.decode()
    assert 'id="case-reference"' not in html
    assert "已收到" in html


def test_attachments_are_stored_with_the_case(client):
    token = token_of(client.get(APPEAL_URL))
    data = appeal_data(token)
    data["attachments"] = [upload("photo.png", PNG), upload("letter.pdf", PDF)]
    assert client.post(APPEAL_URL, data).status_code == 302
    case = Case.objects.get()
    assert sorted(case.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("photo.png", b"<html><script>alert(1)</script></html>", "PDF"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "PDF"),
        ("report.pdf", b"MZ\x90\x00 not a pdf at all", "PDF"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), "10 MB"),
    ],
)
def test_disguised_or_oversized_files_are_refused_with_a_message(client, name, content, message):
    token = token_of(client.get(APPEAL_URL))
    data = appeal_data(token)
    data["attachments"] = [upload(name, content)]
    response = client.post(APPEAL_URL, data)
    assert response.status_code == 200
    text = " ".join(response.context["form"].errors["attachments"])
    assert name in text and message in text
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_too_many_files_are_refused(client):
    token = token_of(client.get(APPEAL_URL))
    data = appeal_data(token)
    data["attachments"] = [upload(f"p{i}.png", PNG) for i in range(6)]
    response = client.post(APPEAL_URL, data)
    assert response.status_code == 200
    assert "5" in " ".join(response.context["form"].errors["attachments"])
    assert Case.objects.count() == 0


def test_a_pixel_bomb_is_refused(client):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")
    token = token_of(client.get(APPEAL_URL))
    data = appeal_data(token)
    data["attachments"] = [upload("huge.png", buffer.getvalue())]
    response = client.post(APPEAL_URL, data)
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_the_rate_limit_answers_429_with_a_readable_page(client, settings):
    settings.APPEAL_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        file_appeal(client)
    refused = file_appeal(client)
    assert refused.status_code == 429
    assert "嘗試次數過多" in refused.content.decode()
    assert Case.objects.count() == 2


def test_script_in_fields_shows_as_text_on_the_form_again(client):
    response = file_appeal(client, subject="<script>alert(1)</script>", consent=None)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

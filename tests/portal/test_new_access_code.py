"""Never lose access: a citizen asks for a new access code, which goes to the contact on the case;
every message links to the tracking page with the reference filled in, never the code."""

import re

import pytest
from django.core import mail
from wagtail.models import Site

from casework import workflow
from casework.models import Case, Channel, Event, OutboxMessage
from notifications import outbox

from .appeal_pages import TRACK_URL, appeal_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages", "admin_access")

NEW_CODE_URL = TRACK_URL + "new-code/"


def filed(**citizen):
    citizen = {"citizen_name": "王小明", "citizen_email": "wang@example.org", **citizen}
    return workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject="路燈故障",
        content="住家附近的路燈已經壞了兩週。",
        **citizen,
    )


def ask_for_code(client, reference, captcha="PASSED"):
    return client.post(NEW_CODE_URL, {"reference": reference, "captcha_0": "abc", "captcha_1": captcha})


def look_up(client, reference, code):
    return client.post(TRACK_URL, {"action": "lookup", "reference": reference, "access_code": code})


def code_sent_to(address):
    """The access code in the last message to the address, as the citizen reads it."""
    outbox.deliver_due()
    message = [m for m in mail.outbox if m.to == [address]][-1]
    return re.search(r"[A-Z2-9]{12}", message.body).group(0), message


def test_a_new_code_goes_to_the_citizens_e_mail_and_the_old_one_stops_working(client):
    case, old_code = filed()
    outbox.deliver_due()
    mail.outbox.clear()
    response = ask_for_code(client, case.reference.lower())
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="new-code-requested"' in page
    new_code, message = code_sent_to("wang@example.org")
    assert new_code != old_code and case.reference in message.subject
    assert f"?reference={case.reference}" in message.body
    assert look_up(client.__class__(), case.reference, old_code).status_code == 200
    assert look_up(client, case.reference, new_code).status_code == 302
    # Staff see who asked, on the internal timeline; the citizen's timeline does not show it.
    event = case.events.get(kind=Event.Kind.ACCESS_CODE_REISSUED)
    assert not event.is_public and event.actor is None and event.data["by_citizen"]
    assert (
        "查詢碼"
        not in re.search(
            r'<ol class="[^"]*timeline">(.*?)</ol>', client.get(TRACK_URL).content.decode(), re.S
        )[1]
    )


def test_the_code_travels_encrypted_in_the_outbox():
    case, _code = filed()
    workflow.reissue_access_code(case, None)
    message = OutboxMessage.objects.get(case=case, template="access_code")
    assert re.fullmatch(r"[A-Z2-9]{12}", message.context["code"]) is None
    _subject, body = outbox.render(message)
    assert re.search(r"[A-Z2-9]{12}", body)


def test_the_answer_is_the_same_whether_or_not_the_reference_exists(client):
    case, _code = filed()
    anonymous, anonymous_code = filed(citizen_name="", citizen_email="")
    outbox.deliver_due()
    mail.outbox.clear()
    pages = {}
    for reference in (case.reference, "MY-1999-999999", anonymous.reference):
        response = ask_for_code(client, reference)
        assert response.status_code == 302 and response["Location"] == NEW_CODE_URL
        html = client.get(NEW_CODE_URL).content.decode()
        pages[reference] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html).replace(
            reference, "REF"
        )
    assert len(set(pages.values())) == 1
    outbox.deliver_due()
    assert [m.to for m in mail.outbox] == [["wang@example.org"]]
    # A case with no contact keeps its code: nothing could tell the citizen a new one.
    anonymous.refresh_from_db()
    assert anonymous.check_access_code(anonymous_code)


def test_a_wrong_captcha_sends_nothing_and_says_why(client):
    case, code = filed()
    response = ask_for_code(client, case.reference, captcha="WRONG")
    assert response.status_code == 200 and response.context["form"].errors["captcha"]
    assert not OutboxMessage.objects.filter(template="access_code").exists()
    case.refresh_from_db()
    assert case.check_access_code(code)


def test_requests_are_limited_per_client_and_per_reference(client, settings):
    settings.NEW_ACCESS_CODES_PER_REFERENCE_PER_DAY = 2
    settings.NEW_ACCESS_CODE_REQUESTS_PER_HOUR = 4
    case, _code = filed()
    outbox.deliver_due()
    mail.outbox.clear()
    for _attempt in range(4):
        assert ask_for_code(client, case.reference).status_code == 302
    # The reference had its two codes today; the page still says the same.
    outbox.deliver_due()
    assert len(mail.outbox) == 2
    assert ask_for_code(client, case.reference).status_code == 429


def test_a_session_opened_with_the_old_code_is_closed_by_the_new_one(client):
    case, code = filed()
    look_up(client, case.reference, code)
    assert client.get(TRACK_URL).context["case"] == case
    workflow.reissue_access_code(case, None)
    assert client.get(TRACK_URL).context["case"] is None


def test_the_tracking_form_is_prefilled_from_the_link_and_offers_a_new_code(client):
    case, _code = filed()
    html = client.get(TRACK_URL, {"reference": case.reference.lower()}).content.decode()
    assert f'value="{case.reference}"' in html
    assert f'href="{NEW_CODE_URL}?reference={case.reference}"' in html
    assert (
        f'value="{case.reference}"'
        in client.get(NEW_CODE_URL, {"reference": case.reference}).content.decode()
    )


def test_every_message_links_to_the_tracking_page_on_the_sites_own_host(appeal_pages):  # noqa: F811
    Site.objects.filter(is_default_site=True).update(hostname="appeals.example.gov", port=443)
    case, code = filed()
    workflow.reissue_access_code(case, None)
    for message in OutboxMessage.objects.filter(case=case):
        _subject, body = outbox.render(message)
        assert f"https://appeals.example.gov/zh-hant/track/?reference={case.reference}" in body
        assert code not in body and "localhost" not in body


def test_the_acknowledgement_links_in_the_language_of_the_case_when_the_page_exists(appeal_pages):  # noqa: F811
    case, _code = filed()
    Case.objects.filter(pk=case.pk).update(language="en")
    case.refresh_from_db()
    message = OutboxMessage.objects.get(case=case, template="case_event")
    # No English tracking page: the link falls back to the site's default language.
    assert f"/zh-hant/track/?reference={case.reference}" in outbox.render(message)[1]


def test_a_code_sent_by_sms_through_the_logging_backend_stays_out_of_the_log(caplog):
    case, _code = filed(citizen_email="", citizen_phone="0912345678")
    outbox.deliver_due()
    workflow.reissue_access_code(case, None)
    with caplog.at_level("INFO", logger="notifications.sms"):
        assert outbox.deliver_due() == 1
    assert "SMS to" in caplog.text and not re.search(r"\b[A-HJ-NP-Z2-9]{12}\b", caplog.text)

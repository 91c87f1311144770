"""One vocabulary for what the citizen reads: every event kind, on the tracking page and in every
citizen message, in each language, with no staff-only word and nothing left untranslated."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from casework import citizen_vocabulary, roles, supervision, workflow
from casework.models import Case, Channel, Event, OutboxMessage, Status
from notifications import outbox
from portal import appeals
from tests.factories import CaseFactory, DepartmentFactory, staff

from .appeal_pages import appeal_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("appeal_pages")

LANGUAGES = ["zh-hant", "zh-hans", "en"]
K = Event.Kind
CODE = "ABCD2345EFGH"
ROLE_CODES = ["handler", "reviewer", "supervisor", "manager", "intake"]
# Words of the office that must never reach the citizen, whatever the language of the page.
ALWAYS_FORBIDDEN = ["內部備註", "内部备注", "Internal note", "訴求人"]


def staff_only_words(language):
    """The staff's names of the staff-only kinds, in the language, and the role code names."""
    with translation.override(language):
        labels = [str(label) for value, label in K.choices if value in citizen_vocabulary.STAFF_ONLY_KINDS]
    return labels + ALWAYS_FORBIDDEN


def untranslated(text, language, reference, code=""):
    """Words in the wrong script: Latin words in a Chinese text, Chinese in an English one."""
    text = re.sub(r"https?://\S+", "", strip_tags(text)).replace(reference, "")
    text = text.replace(code, "") if code else text
    if language.startswith("zh"):
        return re.findall(r"[A-Za-z]{2,}", text)
    return re.findall(r"[\u4e00-\u9fff]+", text)


def role_codes_in(text):
    return [code for code in ROLE_CODES if re.search(rf"\b{code}\b", text, re.IGNORECASE)]


def case_with_every_kind(language):
    """A case whose timeline has one event of every kind, each flagged public (some by mistake)."""
    case = CaseFactory(language=language, citizen_email="wang@example.org", status=Status.IN_PROGRESS)
    events = {kind: Event.objects.create(case=case, kind=kind, is_public=True) for kind in K.values}
    return case, events


def tracked_page(client, page, case):
    session = client.session
    session[appeals.TRACKED_KEY] = case.pk
    session[appeals.TRACKED_CODE_KEY] = appeals.code_fingerprint(case)
    session.save()
    return client.get(page.url).content.decode()


def timeline_of(html):
    return re.search(r'<ol class="[^"]*timeline">(.*?)</ol>', html, re.S).group(1)


@pytest.fixture
def pages_in_every_language(appeal_pages):  # noqa: F811
    """The tracking page in each language, as wagtail-localize would publish it."""
    from wagtail.models import Locale

    pages = {"zh-hant": appeal_pages.tracking}
    for language in ("zh-hans", "en"):
        locale = Locale.objects.get(language_code=language)
        home = appeal_pages.home.copy_for_translation(locale)
        home.save_revision().publish()
        page = appeal_pages.tracking.copy_for_translation(locale)
        page.save_revision().publish()
        pages[language] = page.specific
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_timeline_shows_every_citizen_kind_in_its_words_and_no_staff_only_kind(
    client, pages_in_every_language, language
):
    case, _events = case_with_every_kind(language)
    timeline = timeline_of(tracked_page(client, pages_in_every_language[language], case))
    with translation.override(language):
        for kind in citizen_vocabulary.CITIZEN_KINDS:
            assert str(citizen_vocabulary.label(kind)) in timeline, kind
            assert str(citizen_vocabulary.CITIZEN_KINDS[kind][1]) in timeline, kind
    for word in staff_only_words(language):
        assert word not in timeline, word
    assert role_codes_in(timeline) == []
    assert untranslated(timeline, language, case.reference) == []
    assert timeline.count("<li>") == len(citizen_vocabulary.CITIZEN_KINDS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_citizen_message_reads_in_the_citizens_words(language):
    case, events = case_with_every_kind(language)
    messages = [
        OutboxMessage(case=case, template="case_event", language=language, context={"event": event.pk})
        for event in events.values()
    ]
    messages.append(
        OutboxMessage(
            case=case,
            template="access_code",
            language=language,
            context={"code": outbox.crypto.encrypt(CODE)},
        )
    )
    for message in messages:
        subject, body = outbox.render(message)
        kind = Event.objects.get(pk=message.context["event"]).kind if "event" in message.context else "code"
        for text in (subject, body):
            for word in staff_only_words(language):
                assert word not in text, (kind, word)
            assert role_codes_in(text) == [], kind
            assert untranslated(text, language, case.reference, CODE) == [], (kind, text)


def test_staff_only_kinds_are_never_queued_for_the_citizen_even_when_flagged_public():
    case = CaseFactory(citizen_email="wang@example.org")
    for kind in citizen_vocabulary.STAFF_ONLY_KINDS:
        event = Event.objects.create(case=case, kind=kind, is_public=True, text="內部備註")
        assert outbox.queue_for_event(event) is None, kind
    assert not OutboxMessage.objects.filter(case=case).exists()


def test_a_handling_plan_tells_the_citizen_the_case_is_being_handled_not_an_internal_note(
    client,
    appeal_pages,  # noqa: F811
):
    department = DepartmentFactory()
    handler = staff(roles.HANDLER, department=department)
    case, _code = workflow.register_case(
        actor=None,
        channel=Channel.WEB,
        category="complaint",
        subject="路燈故障",
        content="路燈壞了",
        citizen_email="wang@example.org",
    )
    Case.objects.filter(pk=case.pk).update(status=Status.ROUTED, department=department)
    workflow.record_handling_plan(case, handler, "派員查看路燈")
    timeline = timeline_of(tracked_page(client, appeal_pages.tracking, case))
    assert "辦理中" in timeline and "內部備註" not in timeline and "派員查看路燈" not in timeline
    message = OutboxMessage.objects.filter(case=case).latest("pk")
    subject, _body = outbox.render(message)
    assert "內部備註" not in subject and "辦理中" in subject


def test_supervision_notices_name_the_people_in_the_office_language_and_are_credited_to_the_office(
    admin_client,
):
    department = DepartmentFactory()
    handler = staff(roles.HANDLER, department=department)
    case = CaseFactory(department=department, handler=handler, status=Status.IN_PROGRESS)
    Case.objects.filter(pk=case.pk).update(due_date=case.received_at.date())
    case.refresh_from_db()
    supervision.issue_notice(case, 1)
    note = case.events.get(kind=K.NOTE, data__supervision_level=1)
    assert role_codes_in(note.text) == [] and "承辦人" in note.text
    html = admin_client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    entry = re.search(r"<li[^>]*>(?:(?!</li>).)*督辦通知.*?</li>", html, re.S).group(0)
    assert "訴求人" not in entry and "自動" in entry, entry

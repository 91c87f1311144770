"""Public disclosure reports: figures frozen at publication, suppressed, downloadable, anonymous."""

import json
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Locale

from casework.models import Case, Category, Channel, Satisfaction, Status
from portal.disclosure import DisclosureIndexPage, DisclosureReportPage
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def received(month, day):
    return timezone.make_aware(datetime(2020, month, day, 10))


def seed_cases():
    """2020 Q1: 12 closed complaints on the web (7 satisfied), 3 suggestions by hotline (1 dissatisfied),
    6 requests for help by e-mail; 21 in all."""
    for i in range(6):
        CaseFactory(
            category=Category.HELP,
            channel=Channel.EMAIL,
            status=Status.ROUTED,
            received_at=received(3, 1 + i),
            citizen_name=f"甄獨特H{i}",
        )
    for i in range(12):
        CaseFactory(
            category=Category.COMPLAINT,
            channel=Channel.WEB,
            status=Status.CLOSED,
            received_at=received(1, 1 + i),
            satisfaction=Satisfaction.SATISFIED if i < 7 else "",
            citizen_name=f"甄獨特{i}",
            citizen_phone=f"0912{i:06d}",
            subject=f"私密主題字串{i}",
            content=f"私密內容字串{i}",
        )
    for i in range(3):
        CaseFactory(
            category=Category.SUGGESTION,
            channel=Channel.HOTLINE,
            status=Status.IN_PROGRESS,
            received_at=received(2, 1 + i),
            satisfaction=Satisfaction.DISSATISFIED if i == 0 else "",
            citizen_name=f"賈唯一{i}",
            citizen_phone=f"0987{i:06d}",
            subject=f"私密主題字串B{i}",
        )


def new_report(index, title="2020年第1季", slug="2020-q1", start=date(2020, 1, 1), end=date(2020, 3, 31)):
    report = index.add_child(
        instance=DisclosureReportPage(
            title=title, slug=slug, period_start=start, period_end=end, locale=index.locale
        )
    )
    report.save_revision().publish()
    report.refresh_from_db()
    return report


@pytest.fixture
def index(demo_site):
    return DisclosureIndexPage.objects.get(locale=Locale.objects.get(language_code="zh-hant"))


def test_disclosure_demo_has_a_published_report_in_each_language(demo_site, client):
    for language in ("zh-hant", "zh-hans", "en"):
        response = client.get(f"/{language}/disclosure/")
        assert response.status_code == 200
        reports = DisclosureReportPage.objects.live().filter(locale__language_code=language)
        assert reports.exists()
        report = reports.first()
        assert report.url in response.content.decode()
        page = client.get(report.url)
        assert page.status_code == 200
        assert "<table" in page.content.decode() and "<svg" in page.content.decode()
    figures = {r.locale.language_code: r.figures for r in DisclosureReportPage.objects.live()}
    assert figures["zh-hant"] and figures["zh-hant"] == figures["zh-hans"] == figures["en"]
    english = client.get(DisclosureReportPage.objects.get(locale__language_code="en").url).content.decode()
    assert "Appeals by type" in english or "Appeals by type" in english


def test_disclosure_figures_computed_at_publication_with_suppression(index, client):
    seed_cases()
    report = new_report(index)
    tables = report.figures["tables"]
    # Types: 3 suggestions are hidden; so is the next smallest (6 requests for help), so the total
    # cannot give the 3 away. The 12 complaints and the zeros stay.
    assert tables["category"]["values"] == {
        "inquiry": 0,
        "complaint": 12,
        "suggestion": None,
        "help": None,
        "other": 0,
    }
    assert tables["category"]["total"] == 21
    assert tables["channel"]["values"]["web"] == 12
    assert tables["channel"]["values"]["hotline"] is None
    assert tables["channel"]["values"]["email"] is None
    assert tables["outcome"]["values"]["closed"] == 12
    assert tables["outcome"]["values"]["open"] == 9
    # 7 satisfied, 1 dissatisfied: the 1 is hidden, and the 7 with it.
    assert tables["satisfaction"]["values"] == {
        "satisfied": None,
        "basically_satisfied": 0,
        "dissatisfied": None,
    }
    assert tables["satisfaction"]["total"] == 8
    # The satisfaction rate would reveal the hidden dissatisfied count, so it is not given.
    assert report.figures["rates"]["satisfaction"] is None

    # Both hidden type counts read "suppressed" (the 6 is not "<5") and point to the footnote.
    page = client.get(report.url).content.decode()
    assert "&lt;5" not in page
    hidden = sum([*table["values"].values(), table["total"]].count(None) for table in tables.values())
    assert hidden >= 6
    assert page.count('<a class="suppressed" href="#suppression-note">不公開</a>') == hidden
    assert '<p id="suppression-note" class="govuk-body-s footnote">不公開：' in page
    csv_text = client.get(report.url + "csv/").content.decode("utf-8-sig")
    assert "category,suggestion,建議,不公開" in csv_text and "category,help,求助,不公開" in csv_text
    assert "<5" not in csv_text
    data = json.loads(client.get(report.url + "json/").content)
    assert data["tables"]["category"]["values"]["suggestion"] is None
    assert data["tables"]["category"]["values"]["help"] is None
    assert data["tables"]["category"]["total"] == 21
    assert "1" in data["suppressed"] and "4" in data["suppressed"]


def test_disclosure_report_unchanged_after_its_cases_change(index, client):
    seed_cases()
    report = new_report(index)
    before = report.figures
    page_before = client.get(report.url).content.decode()
    json_before = client.get(report.url + "json/").content

    # Cases change afterwards: more arrive in the period, others change status.
    for i in range(20):
        CaseFactory(category=Category.HELP, channel=Channel.EMAIL, received_at=received(3, 1 + i))
    Case.objects.filter(status=Status.IN_PROGRESS).update(status=Status.CLOSED)
    # The editor edits the summary and publishes again.
    report.summary = "更新說明"
    report.save_revision().publish()
    report.refresh_from_db()

    assert report.figures == before
    assert client.get(report.url + "json/").content == json_before
    page_after = client.get(report.url).content.decode()
    assert page_after.count("<td ") == page_before.count("<td ")
    assert "更新說明" in page_after


def test_disclosure_translations_show_the_same_frozen_figures(index):
    seed_cases()
    from demo.site import english
    from portal.localization import ensure_locales, sync_translation

    report = new_report(index)
    CaseFactory(category=Category.HELP, received_at=received(3, 5))
    translated = sync_translation(report, ensure_locales()["en"], english)
    translated = DisclosureReportPage.objects.get(pk=translated.pk)
    assert translated.live
    assert translated.figures == report.figures


def test_disclosure_contains_no_personal_data_or_case_text(index, client):
    seed_cases()
    report = new_report(index)
    answers = [client.get(url) for url in (report.url, report.url + "csv/", report.url + "json/", index.url)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    responses = [answer.content.decode("utf-8-sig") for answer in answers]
    responses.append(json.dumps(report.figures, ensure_ascii=False))
    for text in responses:
        for secret in ("甄獨特", "賈唯一", "0912", "0987", "私密主題", "私密內容", "王小明", "13812345678"):
            assert secret not in text


def test_disclosure_period_must_not_be_narrow_or_reversed(index):
    report = DisclosureReportPage(
        title="一週", slug="week", period_start=date(2020, 1, 1), period_end=date(2020, 1, 7)
    )
    with pytest.raises(ValidationError):
        report.clean()
    report.period_end = date(2019, 12, 1)
    with pytest.raises(ValidationError):
        report.clean()


def test_disclosure_preview_of_a_draft_shows_the_figures_publishing_would_freeze(index):
    seed_cases()
    draft = index.add_child(
        instance=DisclosureReportPage(
            title="草稿",
            slug="draft",
            period_start=date(2020, 1, 1),
            period_end=date(2020, 3, 31),
            locale=index.locale,
            live=False,
        )
    )
    draft.refresh_from_db()
    assert draft.figures == {}
    response = draft.make_preview_request()
    response.render()
    text = response.content.decode()
    assert ">12</td>" in text and ">21</td>" in text and 'href="#suppression-note"' in text
    # Previewing freezes nothing.
    draft.refresh_from_db()
    assert draft.figures == {}


def test_disclosure_republished_for_another_period_does_not_take_a_translations_old_figures(index):
    seed_cases()
    from demo.site import english
    from portal.localization import ensure_locales, sync_translation

    report = new_report(index)
    sync_translation(report, ensure_locales()["en"], english)
    # The editor widens the period to the whole of 2020 and publishes again.
    CaseFactory(category=Category.HELP, received_at=received(6, 1))
    report.period_end = date(2020, 6, 30)
    report.save_revision().publish()
    report.refresh_from_db()
    assert report.figures["period"] == ["2020-01-01", "2020-06-30"]
    assert report.figures["tables"]["category"]["total"] == 22


def test_disclosure_counts_suggestions_by_adoption_with_small_counts_hidden(db):
    from casework.models import Outcome
    from portal.disclosure import disclosure_figures

    decisions = (
        [Outcome.Adoption.ADOPTED] * 6 + [Outcome.Adoption.PARTLY] * 7 + [Outcome.Adoption.NOT_ADOPTED]
    )
    for i, decision in enumerate(decisions):
        case = CaseFactory(category=Category.SUGGESTION, status=Status.CLOSED, received_at=received(1, 1 + i))
        if i == 0:
            # An earlier decision, replaced: each suggestion counts once, by its latest.
            Outcome.objects.create(
                case=case, adoption=Outcome.Adoption.NOT_ADOPTED, recorded_at=received(1, 1)
            )
        Outcome.objects.create(case=case, adoption=decision, recorded_at=received(3, 1))
    # Outside the period: not counted.
    outside = CaseFactory(category=Category.SUGGESTION, received_at=received(5, 1))
    Outcome.objects.create(case=outside, adoption=Outcome.Adoption.ADOPTED)

    table = disclosure_figures(date(2020, 1, 1), date(2020, 3, 31))["tables"]["adoption"]
    # The single "not adopted" is hidden, and the next smallest with it, so the total gives neither.
    assert table["values"] == {"adopted": None, "partly": 7, "not_adopted": None}
    assert table["total"] == 14

"""Disclosure reports cannot be subtracted from one another, and no published table can be solved."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.models import Locale

from portal.disclosure import DisclosureIndexPage, DisclosureReportPage, period_conflict, raw_counts
from tests.factories import CaseFactory
from tests.portal.disclosure_audit import narrowed, possible_values

Q1 = (date(2020, 1, 1), date(2020, 3, 31))


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def published(*periods):
    return [(start, end, f"report {n}") for n, (start, end) in enumerate(periods)]


def test_a_period_shifted_by_a_day_is_refused():
    message = period_conflict((date(2020, 1, 2), date(2020, 4, 1)), published(Q1), 28)
    assert "report 0" in str(message) and "2020-01-01" in str(message)


def test_a_period_containing_a_published_one_but_for_a_day_is_refused():
    message = period_conflict((date(2020, 1, 1), date(2020, 4, 1)), published(Q1), 28)
    assert "2020-04-01 to 2020-04-01" in str(message)
    # Inside it, a day short, is refused as well.
    message = period_conflict((date(2020, 1, 2), date(2020, 3, 31)), published(Q1), 28)
    assert "2020-01-01 to 2020-01-01" in str(message)


def test_the_same_period_is_not_published_twice():
    assert "already published" in str(period_conflict(Q1, published(Q1), 28))


def test_disjoint_periods_and_a_year_made_of_quarters_are_accepted():
    quarters = [
        Q1,
        (date(2020, 4, 1), date(2020, 6, 30)),
        (date(2020, 7, 1), date(2020, 9, 30)),
        (date(2020, 10, 1), date(2020, 12, 31)),
    ]
    assert period_conflict(quarters[1], published(Q1), 28) is None
    assert period_conflict((date(2020, 1, 1), date(2020, 12, 31)), published(*quarters), 28) is None
    # A month inside the published first quarter leaves two months: long enough.
    assert period_conflict((date(2020, 1, 1), date(2020, 1, 31)), published(Q1), 28) is None


def test_pieces_that_together_leave_a_short_stretch_are_refused():
    # Jan–Apr 10 and Apr 30–Jun are each far from the half year, but the half year minus both
    # gives the figures of April 11 to 29.
    half = (date(2020, 1, 1), date(2020, 6, 30))
    first = (date(2020, 1, 1), date(2020, 4, 10))
    message = period_conflict((date(2020, 4, 30), date(2020, 6, 30)), published(half, first), 28)
    assert "2020-04-11 to 2020-04-29" in str(message)
    assert period_conflict((date(2020, 5, 9), date(2020, 6, 30)), published(half, first), 28) is None


@pytest.fixture
def index(demo_site):
    return DisclosureIndexPage.objects.get(locale=Locale.objects.get(language_code="zh-hant"))


def publish(index, slug, start, end):
    report = index.add_child(
        instance=DisclosureReportPage(
            title=slug, slug=slug, period_start=start, period_end=end, locale=index.locale
        )
    )
    report.save_revision().publish()
    return report


@pytest.mark.django_db
def test_a_report_overlapping_a_published_one_cannot_be_saved(index):
    publish(index, "2020-q1", *Q1)
    overlapping = DisclosureReportPage(
        title="shifted", slug="shifted", period_start=date(2020, 1, 2), period_end=date(2020, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        overlapping.clean()
    assert "2020-q1" in str(error.value.message_dict["period_start"])
    # The report itself can be published again, and its translation has the same period.
    first = DisclosureReportPage.objects.get(slug="2020-q1")
    first.summary = "更新"
    first.save_revision().publish()


@pytest.mark.django_db
def test_a_published_report_moved_to_an_overlapping_period_is_refused(index):
    report = publish(index, "2020-q1", *Q1)
    report.period_start, report.period_end = date(2020, 2, 1), date(2020, 4, 30)
    with pytest.raises(ValidationError):
        report.clean()
    # Widening it to contain its old period with a long enough rest is allowed.
    report.period_start, report.period_end = date(2020, 1, 1), date(2020, 6, 30)
    report.clean()


@pytest.mark.django_db
def test_the_page_editor_explains_why_an_overlapping_period_is_refused(index, client):
    demo = DisclosureReportPage.objects.live().filter(locale=index.locale).first()
    client.force_login(get_user_model().objects.get(username="admin"))
    before = DisclosureReportPage.objects.count()
    response = client.post(
        f"/admin/pages/add/portal/disclosurereportpage/{index.pk}/",
        {
            "title": "錯開一日",
            "slug": "shifted-by-a-day",
            "period_start": (demo.period_start + timedelta(days=1)).isoformat(),
            "period_end": (demo.period_end + timedelta(days=1)).isoformat(),
            "summary": "",
            "action-publish": "publish",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "部分重疊而未將其涵蓋" in text or "overlaps the published report" in text
    assert demo.title in text
    assert DisclosureReportPage.objects.count() == before


@pytest.mark.django_db
def test_the_demos_published_reports_cannot_be_worked_back(demo_site):
    reports = DisclosureReportPage.objects.live()
    assert reports.exists()
    for report in reports:
        figures, k = report.figures, report.figures["threshold"]
        counts = raw_counts(report.period_start, report.period_end)
        assert narrowed(figures, k) == {}
        for (table, name), values in possible_values(figures, k).items():
            truth = sum(counts[table].values()) if name == "total" else counts[table][name]
            assert truth in values


@pytest.mark.django_db
def test_a_quarter_like_the_issues_is_published_so_it_cannot_be_worked_back(index):
    day = date(2020, 7, 1)
    from django.utils import timezone

    def case(status, n):
        for i in range(n):
            CaseFactory(
                category="complaint",
                channel="web",
                status=status,
                received_at=timezone.make_aware(
                    timezone.datetime.combine(day + timedelta(days=i), timezone.datetime.min.time())
                ),
            )

    case("closed", 6)
    case("withdrawn", 1)
    case("in_progress", 1)
    report = publish(index, "2020-q3", date(2020, 7, 1), date(2020, 9, 30))
    outcome = report.figures["tables"]["outcome"]
    assert outcome["values"]["closed"] is None and outcome["values"]["withdrawn"] is None
    assert outcome["values"]["open"] is None and outcome["total"] == 8
    assert narrowed(report.figures, 5) == {}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(5, 150)), max_size=12))
def test_periods_accepted_in_any_order_never_leave_a_short_difference(attempts):
    origin, min_days = date(2020, 1, 1), 28
    accepted = []
    for offset, length in attempts:
        period = (origin + timedelta(days=offset), origin + timedelta(days=offset + length - 1))
        if period_conflict(period, published(*accepted), min_days) is None:
            accepted.append(period)
    for n, (start, end) in enumerate(accepted):
        for other_start, other_end in accepted[n + 1 :]:
            # Disjoint or nested, never twice the same.
            assert (start, end) != (other_start, other_end)
            disjoint = end < other_start or other_end < start
            nested = (start <= other_start and other_end <= end) or (
                other_start <= start and end <= other_end
            )
            assert disjoint or nested
        # What a report's period minus the largest published periods inside it leaves: long stretches.
        inside = [p for p in accepted if p != (start, end) and start <= p[0] and p[1] <= end]
        largest = [p for p in inside if not any(q != p and q[0] <= p[0] and p[1] <= q[1] for q in inside)]
        covered = {p[0] + timedelta(days=d) for p in largest for d in range((p[1] - p[0]).days + 1)}
        days = [start + timedelta(days=d) for d in range((end - start).days + 1)]
        stretch = 0
        for day in [*days, None]:
            if day is not None and largest and day not in covered:
                stretch += 1
                continue
            assert stretch == 0 or stretch >= min_days
            stretch = 0

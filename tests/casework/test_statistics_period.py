"""Statistics open on this month in the office's time zone, say which period they show, and call
the count received "received" (收件數), not the time of receipt."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from wagtail.users.models import UserProfile

from casework import roles
from casework.models import Department
from reporting import statistics
from reporting.dashboard import PeriodForm, period_label
from tests.factories import CaseFactory, staff

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
# Half past midnight on 1 December in the office: still 30 November in UTC.
NOW = datetime(2026, 12, 1, 0, 30, tzinfo=TAIPEI)


@pytest.fixture(autouse=True)
def admin_access(db):
    roles.ensure_role_groups()


def dashboard(client, language, query=None):
    user = staff(roles.MANAGER)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    return client.get("/admin/statistics/", query or {}).content.decode()


def shown_period(page):
    return re.search(r'<h2 id="statistics-period"[^>]*>([^<]+)</h2>', page).group(1)


def total(page):
    return int(re.search(r'id="statistics-total">(\d+)<', page).group(1))


def test_statistics_default_to_this_month_in_the_office_time_zone(client):
    CaseFactory(received_at=datetime(2026, 12, 1, 0, 10, tzinfo=TAIPEI))  # 30 Nov in UTC
    CaseFactory(received_at=datetime(2026, 11, 30, 23, 50, tzinfo=TAIPEI))  # last month
    statistics.recompute_days(date(2026, 11, 30), date(2026, 12, 1))
    with time_machine.travel(NOW, tick=False):
        pages = {language: dashboard(client, language) for language in ("en", "zh-hant", "zh-hans")}
    assert shown_period(pages["en"]) == "1–31 December 2026"
    assert shown_period(pages["zh-hant"]) == "2026年12月1日至31日"
    assert shown_period(pages["zh-hans"]) == "2026年12月1日至31日"
    assert "2026年12月1日至31日收到的案件" in pages["zh-hant"]
    for page in pages.values():
        assert total(page) == 1
        # The date boxes show the period too, rather than empty pickers.
        assert re.search(r'name="start" value="2026-12-01"', page) and re.search(
            r'name="end" value="2026-12-31"', page
        )


def test_the_clock_of_the_period_form_can_be_given():
    form = PeriodForm(None, departments=Department.objects.none(), today=date(2028, 2, 10))
    assert form.period()[:2] == (date(2028, 2, 1), date(2028, 2, 29))
    form = PeriodForm({"start": "2028-01-15"}, departments=Department.objects.none(), today=date(2028, 2, 10))
    assert form.period()[:2] == (date(2028, 1, 15), date(2028, 2, 29))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "1–31 December 2026",
                "28 November – 2 December 2026",
                "28 December 2025 – 3 January 2026",
                "2 December 2026",
            ],
        ),
        (
            "zh-hant",
            [
                "2026年12月1日至31日",
                "2026年11月28日至12月2日",
                "2025年12月28日至2026年1月3日",
                "2026年12月2日",
            ],
        ),
    ],
)
def test_period_in_words(language, expected):
    periods = [
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2026, 11, 28), date(2026, 12, 2)),
        (date(2025, 12, 28), date(2026, 1, 3)),
        (date(2026, 12, 2), date(2026, 12, 2)),
    ]
    with translation.override(language):
        assert [period_label(start, end) for start, end in periods] == expected


def test_a_chosen_period_is_named_too(client):
    page = dashboard(client, "zh-hant", {"start": "2026-03-01", "end": "2026-04-30"})
    assert shown_period(page) == "2026年3月1日至4月30日"


@pytest.mark.parametrize(
    ("language", "received", "replied"),
    [("zh-hant", "收件數", "答復數"), ("zh-hans", "收件数", "答复数"), ("en", "Received", "Replied")],
)
def test_trend_legend_and_table_say_the_number_received(client, language, received, replied):
    CaseFactory(received_at=datetime(2026, 3, 2, 10, tzinfo=TAIPEI))
    statistics.recompute_days(date(2026, 3, 2))
    page = dashboard(client, language, {"start": "2026-03-01", "end": "2026-03-31"})
    # The trend: the one line chart, and the table after it.
    trend = page[page.rindex("<svg", 0, page.index("<polyline")) :]
    trend = trend[: trend.index("</table>")]
    legend = re.findall(r'<text[^>]*fill="[^"]+">([^<]+)</text>', trend)
    assert legend == [received, replied]
    assert f'<th scope="col">{received}</th><th scope="col">{replied}</th>' in trend
    assert "收件時間" not in trend and "收件时间" not in trend

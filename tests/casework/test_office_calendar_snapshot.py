"""The office's working-day calendar for this year and the next two does not change unnoticed.

Deadlines count working days on the holidays (and make-up workdays) the `holidays` package gives
for HOLIDAY_REGION. A new release of the package can add, move or drop a day, which would silently
move citizens' reply dates. The package is pinned exactly; this test compares what it says with the
days the office reviewed (tests/casework/data/office_calendar_TW.json). When it fails after an
upgrade, review the difference, then regenerate the file with the command in its failure message.
"""

import json
from pathlib import Path

import holidays
import pytest

from casework import deadlines
from casework.models import CalendarDay

SNAPSHOT = Path(__file__).parent / "data" / "office_calendar_TW.json"
REVIEWED = json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def package_days(year):
    source = holidays.country_holidays(REVIEWED["region"], years=year)
    days = {day.isoformat(): "holiday" for day in source if day.year == year}
    for day in getattr(source, "weekend_workdays", ()):
        if day.year == year:
            days[day.isoformat()] = "workday"
    return dict(sorted(days.items()))


@pytest.mark.parametrize("year", sorted(REVIEWED["years"]))
def test_the_holiday_package_gives_the_days_the_office_reviewed(year):
    reviewed = REVIEWED["years"][year]
    given = package_days(int(year))
    added = sorted(set(given) - set(reviewed))
    dropped = sorted(set(reviewed) - set(given))
    changed = sorted(day for day in set(given) & set(reviewed) if given[day] != reviewed[day])
    assert (added, dropped, changed) == ([], [], []), (
        f"holidays {holidays.__version__} changes the {year} calendar (was reviewed with "
        f"{REVIEWED['package']}): added {added}, dropped {dropped}, changed {changed}. Review the "
        "effect on deadlines, then rewrite tests/casework/data/office_calendar_TW.json."
    )


@pytest.mark.django_db
def test_the_office_calendar_loads_exactly_the_reviewed_days(settings):
    settings.HOLIDAY_REGION = REVIEWED["region"]
    years = sorted(int(year) for year in REVIEWED["years"])
    deadlines.load_public_holidays(years)
    loaded = {day.date.isoformat(): day.kind for day in CalendarDay.objects.filter(date__year__in=years)}
    reviewed = {day: kind for year in REVIEWED["years"].values() for day, kind in year.items()}
    assert loaded == reviewed

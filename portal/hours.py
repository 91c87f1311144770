"""When the reception office is open: a plain function over weekly hours and dated exceptions."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext, pgettext


@dataclass(frozen=True)
class Period:
    weekday: int  # Monday is 0, as in datetime.weekday()
    opens: time
    closes: time


@dataclass(frozen=True)
class Exception_:
    day: date
    closed: bool
    opens: time | None = None
    closes: time | None = None


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    closes_at: datetime | None = None  # when open
    next_opening: datetime | None = None  # when closed; None if nothing within the horizon


def periods_on(day, weekly, exceptions):
    """The (opens, closes) intervals of one calendar day; a dated exception replaces the weekly hours."""
    for exc in exceptions:
        if exc.day == day:
            if exc.closed or exc.opens is None or exc.closes is None:
                return []
            return [(exc.opens, exc.closes)]
    return sorted((p.opens, p.closes) for p in weekly if p.weekday == day.weekday() and p.opens < p.closes)


def open_state(now, weekly, exceptions, horizon_days=60):
    """Whether the office is open at ``now`` (an aware datetime in the office's time zone), and until
    when, or else when it next opens. Looks ahead ``horizon_days`` so a long closure still answers."""
    tz = now.tzinfo
    for offset in range(horizon_days + 1):
        day = now.date() + timedelta(days=offset)
        for opens, closes in periods_on(day, weekly, exceptions):
            start = datetime.combine(day, opens, tzinfo=tz)
            end = datetime.combine(day, closes, tzinfo=tz)
            if start <= now < end:
                return OpenState(True, closes_at=end)
            if now < start:
                return OpenState(False, next_opening=start)
    return OpenState(False)


def seconds_until_change(now, state):
    """How long the open/closed answer stays true, so a cached page never shows a stale one."""
    moment = state.closes_at or state.next_opening
    if moment is None:
        return None
    return max(1, int((moment - now).total_seconds()))


def weekly_groups(weekly):
    """[(first weekday, last weekday, ((opens, closes), ...))]: runs of consecutive days with the
    same hours, Monday first; closed days are left out."""
    groups = []
    for day in range(7):
        periods = tuple(
            sorted((p.opens, p.closes) for p in weekly if p.weekday == day and p.opens < p.closes)
        )
        if not periods:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == periods:
            groups[-1] = (groups[-1][0], day, periods)
        else:
            groups.append((day, day, periods))
    return groups


def clock(moment):
    """9:00, 13:30: how the office writes its hours."""
    return f"{moment.hour}:{moment.minute:02d}"


def describe_week(weekly, day_names):
    """The weekly hours in one line in the active language: "Monday to Friday 9:00–12:00,
    13:30–17:30", "星期一至星期五 9:00–12:00、13:30–17:30"; "" when the office never opens."""
    parts = []
    for first, last, periods in weekly_groups(weekly):
        days = (
            str(day_names[first])
            if first == last
            else gettext("%(first)s to %(last)s") % {"first": day_names[first], "last": day_names[last]}
        )
        times = pgettext("between the opening periods of a day", ", ").join(
            f"{clock(opens)}–{clock(closes)}" for opens, closes in periods
        )
        parts.append(f"{days} {times}")
    return pgettext("between groups of days with their hours", "; ").join(parts)

"""When the reception office is open: a plain function over weekly hours and dated exceptions."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


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

"""The duty roster of the reception room: who is on which day and shift, the leadership reception
days, and the refusal to roster anyone without valid training (reception.training).

The shifts follow the reception page's opening hours (portal.hours): the morning shift is the
opening hours before noon, the afternoon shift those after; a shift on which the office is closed
cannot be staffed.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework import roles
from casework.access import has_role
from portal import cache as page_cache
from portal import hours

from . import training
from .models import DutyShift

EDITOR_ROLES = (roles.MANAGER, roles.SUPERVISOR)
READER_ROLES = (*EDITOR_ROLES, roles.INTAKE_OFFICER, roles.AUDITOR)
NOON = time(12, 0)


def may_edit(user):
    return has_role(user, *EDITOR_ROLES)


def may_read(user):
    return has_role(user, *READER_ROLES)


def reception_page():
    from portal.models import ReceptionPage

    return ReceptionPage.hours_source()


def shift_hours(day, page=None):
    """{shift: (opens, closes)} for the shifts the office is open on ``day``. Without a reception
    page nothing is known about the hours and both shifts are offered."""
    page = page if page is not None else reception_page()
    if page is None:
        return {DutyShift.Shift.MORNING: None, DutyShift.Shift.AFTERNOON: None}
    periods = hours.periods_on(day, page.weekly_periods(), page.dated_exceptions())
    shifts = {}
    morning = [(o, min(c, NOON)) for o, c in periods if o < NOON]
    afternoon = [(max(o, NOON), c) for o, c in periods if c > NOON]
    if morning:
        shifts[DutyShift.Shift.MORNING] = (morning[0][0], morning[-1][1])
    if afternoon:
        shifts[DutyShift.Shift.AFTERNOON] = (afternoon[0][0], afternoon[-1][1])
    return shifts


def assign(actor, *, day, shift, user, leadership=False, title="", published=False, name_public=False):
    """Put ``user`` on the roster; refuses (ValidationError with the reason) anyone without valid
    training on that day, a shift on which the office is closed, and a second entry of the same
    person on the same shift."""
    if not may_edit(actor):
        raise PermissionDenied(_("Only managers and supervisors edit the duty roster."))
    if shift not in DutyShift.Shift.values:
        raise ValidationError(_("Choose the morning or the afternoon shift."))
    if shift not in shift_hours(day):
        raise ValidationError(
            _("The reception room is closed on %(day)s (%(shift)s).")
            % {
                "day": day.isoformat(),
                "shift": DutyShift.Shift(shift).label,
            }
        )
    if not training.has_valid_training(user, day):
        until = training.valid_until(user, day)
        name = user.get_full_name() or user.get_username()
        if until is None:
            reason = _("%(name)s has not passed any training, so cannot be put on the roster.") % {
                "name": name
            }
        else:
            reason = _(
                "%(name)s's training expired on %(date)s, so they cannot be put on the roster until "
                "they pass a training session again."
            ) % {"name": name, "date": until.isoformat()}
        raise ValidationError(reason)
    entry = DutyShift(
        date=day,
        shift=shift,
        user=user,
        leadership=leadership,
        title=title if leadership else "",
        published=published and leadership,
        name_public=name_public and leadership,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError(_("This person is already on that shift.")) from None
    if entry.published:
        transaction.on_commit(page_cache.purge)
    return entry


def remove(actor, entry):
    if not may_edit(actor):
        raise PermissionDenied(_("Only managers and supervisors edit the duty roster."))
    was_public = entry.published
    entry.delete()
    if was_public:
        transaction.on_commit(page_cache.purge)


def week_start(day):
    return day - timedelta(days=day.weekday())


@dataclass
class DayRow:
    day: object
    shifts: list  # [(shift value, label, hours or None, open?, [entries])]


def week(start):
    """Seven DayRows from ``start`` (a Monday), each with its two shifts and their entries."""
    page = reception_page()
    entries = DutyShift.objects.filter(date__gte=start, date__lt=start + timedelta(days=7)).select_related(
        "user"
    )
    by_slot = {}
    for entry in entries:
        by_slot.setdefault((entry.date, entry.shift), []).append(entry)
    rows = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        open_shifts = shift_hours(day, page)
        shifts = []
        for value, label in DutyShift.Shift.choices:
            shifts.append(
                (value, label, open_shifts.get(value), value in open_shifts, by_slot.get((day, value), []))
            )
        rows.append(DayRow(day, shifts))
    return rows


@dataclass(frozen=True)
class PublicEntry:
    """What the portal may show of a leadership reception day: never a username or contact."""

    date: object
    shift_label: str
    hours: tuple | None
    leader: str  # name and title when marked public, else empty


def leadership_schedule(start, days=28):
    """Published leadership reception days from ``start`` on."""
    page = reception_page()
    entries = DutyShift.objects.filter(
        leadership=True, published=True, date__gte=start, date__lt=start + timedelta(days=days)
    ).select_related("user")
    order = {DutyShift.Shift.MORNING: 0, DutyShift.Shift.AFTERNOON: 1}
    result = []
    for entry in sorted(entries, key=lambda e: (e.date, order[e.shift], e.pk)):
        leader = ""
        if entry.name_public:
            name = entry.user.get_full_name() or ""
            leader = " ".join(part for part in (entry.title, name) if part)
        result.append(
            PublicEntry(
                entry.date,
                DutyShift.Shift(entry.shift).label,
                shift_hours(entry.date, page).get(entry.shift),
                leader,
            )
        )
    return result

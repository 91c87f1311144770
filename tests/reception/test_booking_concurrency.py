"""Booking the last place under concurrency: the slot's row lock lets one citizen have it."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from reception import appointments
from reception.models import Appointment

NOW = datetime(2026, 12, 21, 8, 0, tzinfo=ZoneInfo("Asia/Taipei"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_last_place_cannot_be_booked_twice_at_the_same_moment(reception):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from django.db import connections

    appointments.book(slot_key="2026-12-21T09:00", name="甲", phone="0912345678", topic="x", now=NOW)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def take_last_place(n):
        try:
            barrier.wait()
            appointments.book(
                slot_key="2026-12-21T09:00", name=f"乙{n}", phone="0912345678", topic="x", now=NOW
            )
            results.append("ok")
        except appointments.BookingRefused:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take_last_place, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert Appointment.objects.filter(slot__date=NOW.date(), status=Appointment.Status.BOOKED).count() == 2

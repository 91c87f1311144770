"""The demo's appointments: the desk list of today is not empty, the portal page shows the
leadership reception day, and loading again adds nothing."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from casework.models import OutboxMessage
from reception.models import Appointment, ReceptionDay
from tests.conftest import load_demo


def test_demo_has_bookings_today_some_checked_in_one_no_show_and_a_leadership_day(demo_site, client):
    today = timezone.localdate()
    todays = Appointment.objects.filter(slot__date=today)
    assert todays.filter(status=Appointment.Status.CHECKED_IN, visit__isnull=False).exists()
    assert todays.filter(status=Appointment.Status.NO_SHOW).count() == 1
    assert todays.filter(status=Appointment.Status.BOOKED).exists()
    assert Appointment.objects.filter(slot__date__gt=today).exists()
    leadership = ReceptionDay.objects.get(leadership=True, published=True)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    if Appointment.objects.filter(slot__date=tomorrow, status=Appointment.Status.BOOKED).exists():
        assert OutboxMessage.objects.filter(template="appointment_reminder").exists()

    client.force_login(get_user_model().objects.get(username="intake"))
    html = client.get(reverse("reception_appointments:desk")).content.decode()
    assert todays.first().reference in html
    assert "the neighbourhood and public facilities" in client.get("/en/appointments/").content.decode()
    assert leadership.receiver

    count = Appointment.objects.count()
    load_demo()
    assert Appointment.objects.count() == count

"""Demo appointments: the booking page in three languages, a leadership reception day, and bookings
for today and the coming open days (some checked in, one no-show), so the desk's list and the
portal's page are not empty. Re-running changes nothing."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework import crypto, workflow
from casework.models import Visit
from portal.localization import ensure_locales
from reception import appointments
from reception.models import Appointment, AppointmentPage, AppointmentSettings, ReceptionDay, Slot
from reception.models.appointments import new_booking_reference

from .site import _add_built, _pair

PAGE = {
    "title": ("預約接待", "Book a visit to the reception room"),
    "intro": (
        "選擇有空位的日期及時段，留下姓名及聯絡方式，即可預約到接待室面談。預約後可憑預約編號及驗證碼取消或更改。",
        "Choose a day and a time with free places and leave your name and a contact to book a visit to "
        "the reception room. With the booking reference and the code you can cancel or move it.",
    ),
    "privacy_notice": (
        "<p>您提供的個人資料只用於安排本次接待，並予保密，不會公開。</p>",
        "<p>The personal data you give is used only to arrange this visit and is kept confidential; "
        "it is never published.</p>",
    ),
}

# name, contact, topic
VISITORS = [
    ("黃志明", "0912-345-678", "社區公園噪音擾民，想當面說明情況"),
    ("林淑芬", "lin@example.org", "申請低收入戶補助的進度"),
    ("張家豪", "0922-111-222", "住家附近道路坑洞多次反映未改善"),
    ("王美華", "wang@example.org", "對訴求答復不滿意，希望面談"),
    ("李建國", "0933-222-333", "建議增設公車站候車亭"),
    ("陳雅婷", "chen.yt@example.org", "鄰居違建占用防火巷"),
]


def load_appointments(home):
    locales = ensure_locales()
    page = AppointmentPage(
        title=_pair(PAGE["title"]), intro=_pair(PAGE["intro"]), privacy_notice=_pair(PAGE["privacy_notice"])
    )
    page = _add_built(home, page, "appointments", locales)
    AppointmentSettings.load()
    if Appointment.objects.exists():
        return page
    today = timezone.localdate()
    open_days = [
        day for day in (today + timedelta(days=n) for n in range(1, 15)) if appointments.opening_periods(day)
    ][:3]
    if open_days:
        ReceptionDay.objects.get_or_create(
            date=open_days[-1],
            defaults={
                "topic_zh_hant": "局長接待日：社區環境與公共設施",
                "topic_zh_hans": "局长接待日：社区环境与公共设施",
                "topic_en": "Director's reception day: the neighbourhood and public facilities",
                "receiver": "陳局長",
                "leadership": True,
                "capacity": 2,
            },
        )
    intake = get_user_model().objects.filter(username="intake").first()
    now = timezone.localtime()
    # Today, whatever the hours say (the desk list of the demo is never empty): the first two came
    # and one is registered, one did not come, the rest are still expected.
    plan = [(today, 9, 0), (today, 9, 30), (today, 10, 0), (today, 15, 0)]
    plan += [(day, 10, 0) for day in open_days]
    for (day, hour, minute), (name, contact, topic) in zip(plan, VISITORS, strict=False):
        starts = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
        slot, _created = Slot.objects.get_or_create(
            date=day, starts=starts.time(), defaults={"ends": (starts + timedelta(minutes=30)).time()}
        )
        appointment = Appointment.objects.create(
            reference=new_booking_reference(),
            code_hash=crypto.hash_access_code("DEMO2345"),
            slot=slot,
            name=name,
            phone="" if "@" in contact else contact,
            email=contact if "@" in contact else "",
            topic=topic,
            language="zh-hant",
            created_at=now - timedelta(days=3),
        )
        if day != today:
            continue
        if (hour, minute) == (9, 0):
            visit, _case, _code = workflow.register_visit(
                Visit(
                    visited_at=timezone.make_aware(starts),
                    visitor_names=name,
                    contacts=contact,
                    reason=topic,
                    outcome="已當面說明處理程序，並協助登記訴求。",
                ),
                intake,
            )
            Appointment.objects.filter(pk=appointment.pk).update(
                status=Appointment.Status.CHECKED_IN,
                checked_in_at=timezone.make_aware(starts),
                handled_by=intake,
                visit=visit,
            )
        elif (hour, minute) == (9, 30):
            Appointment.objects.filter(pk=appointment.pk).update(
                status=Appointment.Status.CHECKED_IN,
                checked_in_at=timezone.make_aware(starts),
                handled_by=intake,
            )
        elif (hour, minute) == (10, 0):
            Appointment.objects.filter(pk=appointment.pk).update(
                status=Appointment.Status.NO_SHOW, handled_by=intake
            )
    # What beat would do at 17:00 the day before: the reminders of tomorrow's bookings.
    appointments.send_reminders()
    return page

"""Scheduled jobs (django-celery-beat) in the Wagtail admin, so staff can see and edit them."""

from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet


class PeriodicTaskViewSet(ModelViewSet):
    model = PeriodicTask
    icon = "time"
    menu_label = _("Scheduled jobs")
    list_display = ["name", "task", "interval", "crontab", "enabled", "last_run_at", "total_run_count"]
    list_filter = ["enabled"]
    search_fields = ["name", "task"]
    form_fields = [
        "name",
        "task",
        "interval",
        "crontab",
        "args",
        "kwargs",
        "enabled",
        "one_off",
        "description",
    ]


class IntervalScheduleViewSet(ModelViewSet):
    model = IntervalSchedule
    icon = "repeat"
    menu_label = _("Intervals")
    list_display = ["__str__", "every", "period"]
    form_fields = ["every", "period"]


class CrontabScheduleViewSet(ModelViewSet):
    model = CrontabSchedule
    icon = "calendar-alt"
    menu_label = _("Crontab schedules")
    list_display = ["__str__", "timezone"]
    form_fields = ["minute", "hour", "day_of_week", "day_of_month", "month_of_year", "timezone"]


class SchedulingViewSetGroup(ViewSetGroup):
    menu_label = _("Scheduling")
    menu_icon = "time"
    menu_order = 900
    items = (
        PeriodicTaskViewSet("periodic_tasks"),
        IntervalScheduleViewSet("intervals"),
        CrontabScheduleViewSet("crontabs"),
    )


@hooks.register("register_admin_viewset")
def register_scheduling():
    return SchedulingViewSetGroup()

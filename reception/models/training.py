"""Training of the staff who receive visitors (measures 000 §二(二)1, §七) and the duty roster of
the reception room, which only staff with valid training may join."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingPlan(models.Model):
    """The annual training plan (年度培訓計劃)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")

    def __str__(self):
        return f"{self.year} {self.title}"


class TrainingSession(models.Model):
    class Content(models.TextChoices):
        LAW = "law", _("Law and regulations")
        BUSINESS = "business", _("Business knowledge")
        COMMUNICATION = "communication", _("Communication")
        ETIQUETTE = "etiquette", _("Etiquette")

    class Mode(models.TextChoices):
        LECTURE = "lecture", _("Lecture")
        CASE_STUDY = "case_study", _("Case study")
        DRILL = "drill", _("Drill")
        VISIT = "visit", _("Visit")

    class Evaluation(models.TextChoices):
        EXAM = "exam", _("Exam score")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    content = models.CharField(_("content area"), max_length=20, choices=Content.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    lecturer = models.CharField(_("lecturer"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=2)
    evaluation = models.CharField(
        _("evaluation"), max_length=20, choices=Evaluation.choices, default=Evaluation.EXAM
    )
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=1, default=60)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class TrainingAttendance(models.Model):
    """One staff member at one session, with the evaluation; `passed` is written by
    reception.training.record_attendance from the score or the questionnaire result."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Satisfactory")
        FAILED = "failed", _("Unsatisfactory")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(_("attended"), default=True)
    score = models.DecimalField(_("exam score"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("questionnaire result"), max_length=10, choices=Result.choices, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_session")]
        verbose_name = _("training attendance")

    def __str__(self):
        return f"{self.session} · {self.user}"


class DutyShift(models.Model):
    """Who staffs the reception room on a day and shift (值班表); a leadership entry is a leader's
    reception day. Only published leadership entries reach the portal, and a name only when
    `name_public` is set."""

    class Shift(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")

    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    leadership = models.BooleanField(_("leadership reception"), default=False)
    title = models.CharField(_("leader's title"), max_length=100, blank=True)
    published = models.BooleanField(_("published on the portal"), default=False)
    name_public = models.BooleanField(_("name and title shown on the portal"), default=False)

    class Meta:
        ordering = ["date", "shift", "pk"]
        constraints = [models.UniqueConstraint(fields=["date", "shift", "user"], name="one_duty_per_shift")]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_shift_display()} · {self.user}"

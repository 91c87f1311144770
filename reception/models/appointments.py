"""Appointments for the reception room (預約接待): the booking rules' settings, days with a published
topic (leadership reception days), the slots places are counted on, and the bookings themselves."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casework.fields import EncryptedTextField

# No 0/O, 1/I/L: a reference read out at the desk or over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_booking_reference():
    return "AP-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))


def new_booking_code():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))


class AppointmentSettings(models.Model):
    """How the opening hours are cut into slots and how many visitors each slot takes (one row,
    edited by supervisors)."""

    slot_minutes = models.PositiveSmallIntegerField(
        _("length of a slot (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    capacity = models.PositiveSmallIntegerField(
        _("places per slot"), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=30, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )

    class Meta:
        verbose_name = _("appointment settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class ReceptionDay(models.Model):
    """A day with a topic, published on the booking page: e.g. a leadership reception day, when a
    named leader receives citizens about a subject, possibly with its own number of places."""

    date = models.DateField(_("date"), unique=True)
    topic_zh_hant = models.CharField(_("topic (Traditional Chinese)"), max_length=200)
    topic_zh_hans = models.CharField(_("topic (Simplified Chinese)"), max_length=200, blank=True)
    topic_en = models.CharField(_("topic (English)"), max_length=200, blank=True)
    receiver = models.CharField(_("received by"), max_length=200, blank=True)
    leadership = models.BooleanField(_("leadership reception day"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("places per slot on this day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty for the usual number of places."),
    )
    published = models.BooleanField(_("published on the portal"), default=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("reception day with a topic")
        verbose_name_plural = _("reception days with a topic")

    def __str__(self):
        return f"{self.date} {self.topic}"

    @property
    def topic(self):
        field = "topic_" + (translation.get_language() or "").lower().replace("-", "_")
        return getattr(self, field, "") or self.topic_zh_hant


class Slot(models.Model):
    """One bookable period of one day. The row exists once someone books it; booking locks it, so
    two citizens taking the last place at the same moment cannot both get it."""

    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))

    class Meta:
        ordering = ["date", "starts"]
        constraints = [models.UniqueConstraint(fields=["date", "starts"], name="reception_slot_unique_start")]
        verbose_name = _("slot")

    def __str__(self):
        return f"{self.date} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("booking reference"), max_length=20, unique=True, editable=False)
    code_hash = models.CharField(max_length=200, editable=False)
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments"
    )
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    topic = EncryptedTextField(_("what it is about"), blank=True)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.BOOKED, db_index=True
    )
    moves = models.PositiveSmallIntegerField(_("times moved"), default=0)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visit = models.ForeignKey(
        "casework.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )

    # A cancelled booking frees its place; the others hold one.
    HOLDING = (Status.BOOKED, Status.CHECKED_IN, Status.NO_SHOW)

    class Meta:
        ordering = ["slot__date", "slot__starts", "created_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return self.reference

    @property
    def contact(self):
        return ", ".join(part for part in (self.phone, self.email) if part)

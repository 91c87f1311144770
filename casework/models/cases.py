"""Cases and everything recorded about them: timeline, attachments, outcomes, visits, access log."""

import os
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import crypto
from ..fields import EncryptedTextField
from .choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    UNASSIGNED_STATUSES,
    Category,
    Channel,
    Priority,
    Satisfaction,
    Status,
)
from .organisation import Department

# --- Cases -------------------------------------------------------------------------------------


class ReferenceSequence(models.Model):
    """The last reference number handed out per year.

    On SQLite (one writer at a time anyway) the year's row is locked while a number is taken. On
    PostgreSQL a database sequence per year hands out numbers: `nextval` never gives a number twice
    and takes no lock that lasts until the commit, so a filing does not queue behind every other
    filing of the year. A rolled-back filing leaves a gap in the numbers, which is harmless.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"

    @classmethod
    def reserve(cls, year, count=1):
        """Take `count` numbers for the year; returns them in increasing order."""
        if connection.vendor == "postgresql":
            return _sequence_numbers(year, count)
        with transaction.atomic():
            cls.objects.get_or_create(year=year)
            sequence = cls.objects.select_for_update().get(year=year)
            first = sequence.last_number + 1
            sequence.last_number += count
            sequence.save(update_fields=["last_number"])
        return list(range(first, first + count))

    @staticmethod
    def format(year, number):
        return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{number:06d}"

    @classmethod
    def next_reference(cls, year=None):
        year = year or timezone.localdate().year
        return cls.format(year, cls.reserve(year)[0])


def _sequence_name(year):
    return f"casework_reference_{int(year)}"


def _sequence_numbers(year, count):
    name = _sequence_name(year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [name])
        if cursor.fetchone() is None:
            _create_sequence(cursor, year)
        cursor.execute(f"SELECT nextval('{name}') FROM generate_series(1, %s)", [count])
        return sorted(row[0] for row in cursor.fetchall())


def drop_unused_reference_sequences(using="default"):
    """Drop the year sequences of years that have no case and no counter (an emptied database).

    Runs after every migrate and flush: a flushed database must number from 1 again, while a
    database with cases keeps its sequences untouched.
    """
    conn = connections[using]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'casework_reference_%%'"
        )
        for (name,) in cursor.fetchall():
            year = name.rsplit("_", 1)[-1]
            if not year.isdigit():
                continue
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM casework_case WHERE reference LIKE %s) "
                "OR EXISTS (SELECT 1 FROM casework_referencesequence WHERE year = %s AND last_number > 0)",
                [f"%-{year}-%", int(year)],
            )
            if not cursor.fetchone()[0]:
                cursor.execute(f"DROP SEQUENCE IF EXISTS {name}")


def _create_sequence(cursor, year):
    # The first number continues what the year already used: the counter row kept before sequences
    # and any reference already stored (e.g. imported or bulk-created cases).
    prefix = f"{settings.CASE_REFERENCE_PREFIX}-{int(year)}-"
    cursor.execute(
        """SELECT GREATEST(
               COALESCE((SELECT last_number FROM casework_referencesequence WHERE year = %s), 0),
               COALESCE((SELECT MAX(CAST(SUBSTRING(reference FROM %s) AS INTEGER))
                         FROM casework_case WHERE reference LIKE %s), 0))""",
        [year, len(prefix) + 1, prefix + "%"],
    )
    start = cursor.fetchone()[0] + 1
    try:
        # In a savepoint: two first filings of a year may race to create it; the loser uses the
        # winner's sequence.
        with transaction.atomic():
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {_sequence_name(year)} START {int(start)}")
    except DatabaseError:
        pass


ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread over the phone


ACCESS_CODE_LENGTH = 12  # 12 symbols of 32: 60 bits


def new_access_code():
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(ACCESS_CODE_LENGTH))


def normalise_access_code(raw_code):
    """What the citizen typed, as issued: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (raw_code or "") if ch not in " -\t").upper()


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    access_code_hash = models.CharField(max_length=200, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    is_major = models.BooleanField(
        _("major or complex"), default=False, help_text=_("Major cases also need a manager's approval.")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    stage_started_on = models.DateField(_("current stage started"), default=timezone.localdate)
    screening_due = models.DateField(_("screening due"), null=True, blank=True)
    routing_due = models.DateField(_("routing due"), null=True, blank=True)
    handling_plan_due = models.DateField(_("handling plan due"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    # The stage limits the case was registered under ({field: working days}, StageLimits' fields),
    # so that later changes to the limits apply to new cases only; empty for cases registered before
    # the limits were kept, which follow the current settings.
    stage_limits = models.JSONField(_("stage time limits"), default=dict, blank=True, editable=False)
    # The due date of whatever stage the case is in now, kept for filtering the ledger in SQL.
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    extension_days = models.PositiveSmallIntegerField(_("approved extension (working days)"), default=0)
    requested_extension_days = models.PositiveSmallIntegerField(default=0)
    requested_extension_reason = models.TextField(blank=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    # The stage a case awaiting the citizen's information goes back to when they answer.
    stage_before_information = models.CharField(
        _("stage before the information request"), max_length=24, choices=Status.choices, blank=True
    )
    handling_plan = models.TextField(_("handling plan"), blank=True)
    draft_reply = models.TextField(_("draft reply"), blank=True)
    reviewer_approved = models.BooleanField(default=False)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    reopened_on = models.DateField(_("reopened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Citizen's personal data: confidential (measures §七(二), docs/domain.md), encrypted at rest, shown
    # only to staff who need it, each showing logged in PersonalDataAccess.
    citizen_name = EncryptedTextField(_("name"), blank=True)
    citizen_id_number = EncryptedTextField(_("ID number"), blank=True)
    citizen_phone = EncryptedTextField(_("phone"), blank=True)
    citizen_email = EncryptedTextField(_("e-mail"), blank=True)
    citizen_address = EncryptedTextField(_("address"), blank=True)
    # The complaint register's (《投訴登記表》) evidence the citizen handed in or named, and whether
    # they confirmed what was registered (read back on the phone, or signed at the counter).
    evidence_provided = EncryptedTextField(_("evidence provided"), blank=True)
    citizen_confirmed = models.BooleanField(_("confirmed by the citizen"), default=False)
    citizen_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    citizen_email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    reply_channel = models.CharField(
        _("preferred reply channel"), max_length=10, choices=Channel.choices, blank=True
    )

    PERSONAL_FIELDS = [
        "citizen_name",
        "citizen_id_number",
        "citizen_phone",
        "citizen_email",
        "citizen_address",
        "evidence_provided",
    ]

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["status", "due_date"]),
            # The inboxes: open cases, soonest due first (a million closed cases are never walked).
            models.Index(
                fields=["due_date", "-received_at"],
                name="open_cases_by_due_date",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["department", "due_date", "-received_at"],
                name="open_cases_by_department",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # "Unassigned": walked in the inbox's order and counted from the index alone (the
            # department is in it for the scoped lists).
            models.Index(
                fields=["due_date", "-received_at"],
                name="unassigned_cases",
                include=["department"],
                condition=models.Q(status__in=UNASSIGNED_STATUSES, handler__isnull=True),
            ),
            # Extension requests waiting for a decision: a handful among a million cases, found
            # without reading the open ones ("my tasks" of managers and supervisors).
            models.Index(
                fields=["due_date"],
                name="extension_requests",
                condition=models.Q(requested_extension_days__gt=0),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = ReferenceSequence.next_reference(timezone.localtime(self.received_at).year)
        self.citizen_phone_hash = crypto.lookup_hash(self.citizen_phone, "phone")
        self.citizen_email_hash = crypto.lookup_hash(self.citizen_email, "email")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "citizen_phone_hash",
                "citizen_email_hash",
            }
        super().save(*args, **kwargs)

    def set_access_code(self, raw_code=None):
        """Store a new access code hashed, and return it in clear: it is shown to the citizen only once."""
        raw_code = raw_code or new_access_code()
        self.access_code_hash = crypto.hash_access_code(raw_code)
        return raw_code

    def check_access_code_hash(self, raw_code):
        """(whether the code is this case's, the hash to store instead when the stored one is in an
        older scheme or key, else None). Storing it is the command layer's (verify_access_code)."""
        typed = normalise_access_code(raw_code)
        matches, needs_rehash = crypto.check_access_code(typed, self.access_code_hash)
        return matches, (crypto.hash_access_code(typed) if matches and needs_rehash else None)

    def check_access_code(self, raw_code):
        return self.check_access_code_hash(raw_code)[0]

    @property
    def is_open(self):
        return self.status not in FINAL_STATUSES

    @property
    def is_paused(self):
        return self.paused_at is not None


class Pause(models.Model):
    """A span during which the case's clock stood still (waiting for the citizen)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.case_id} {self.started_at:%Y-%m-%d} – {self.ended_at or ''}"


class AppendOnly(models.Model):
    """A record that is written once and never changed or deleted: it is the proof of what happened."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.verbose_name} records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name} records cannot be deleted.")


class Event(AppendOnly):
    class Kind(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("case event", "Registered")
        ACCEPTED = "accepted", pgettext_lazy("case event", "Accepted")
        REJECTED = "rejected", pgettext_lazy("case event", "Rejected")
        INFORMATION_REQUESTED = "information_requested", pgettext_lazy("case event", "Information requested")
        INFORMATION_RECEIVED = "information_received", pgettext_lazy("case event", "Information received")
        MERGED = "merged", pgettext_lazy("case event", "Merged as a duplicate")
        DUPLICATE_ATTACHED = "duplicate_attached", pgettext_lazy("case event", "Duplicate attached")
        ROUTED = "routed", pgettext_lazy("case event", "Routed")
        REROUTED = "rerouted", pgettext_lazy("case event", "Re-routed")
        ASSIGNED = "assigned", pgettext_lazy("case event", "Handler assigned")
        HANDLING_PLAN = "handling_plan", pgettext_lazy("case event", "Handling plan")
        HANDLING_STARTED = "handling_started", pgettext_lazy("case event", "Handling started")
        OUTCOME = "outcome", pgettext_lazy("case event", "Outcome recorded")
        SUBMITTED = "submitted", pgettext_lazy("case event", "Submitted for review")
        RETURNED = "returned", pgettext_lazy("case event", "Returned with comments")
        REVIEWED = "reviewed", pgettext_lazy("case event", "Approved by the reviewer")
        APPROVED = "approved", pgettext_lazy("case event", "Approved by management")
        REPLIED = "replied", pgettext_lazy("case event", "Reply")
        SATISFACTION = "satisfaction", pgettext_lazy("case event", "Follow-up")
        REOPENED = "reopened", pgettext_lazy("case event", "Reopened")
        CLOSED = "closed", pgettext_lazy("case event", "Closed")
        WITHDRAWN = "withdrawn", pgettext_lazy("case event", "Withdrawn")
        PAUSED = "paused", pgettext_lazy("case event", "Clock paused")
        RESUMED = "resumed", pgettext_lazy("case event", "Clock resumed")
        EXTENSION_REQUESTED = "extension_requested", pgettext_lazy("case event", "Extension requested")
        EXTENSION_APPROVED = "extension_approved", pgettext_lazy("case event", "Extension approved")
        EXTENSION_REFUSED = "extension_refused", pgettext_lazy("case event", "Extension refused")
        ATTACHMENT = "attachment", pgettext_lazy("case event", "Attachment added")
        NOTE = "note", pgettext_lazy("case event", "Internal note")
        PROGRESS = "progress", pgettext_lazy("case event", "Progress update")
        ACCESS_CODE_REISSUED = "access_code_reissued", pgettext_lazy("case event", "Access code reissued")
        MILESTONE_DONE = "milestone_done", pgettext_lazy("case event", "Implementation milestone completed")
        CO_HANDLING_REQUESTED = "co_handling_requested", pgettext_lazy("case event", "Co-handling requested")
        CO_HANDLING_ANSWERED = "co_handling_answered", pgettext_lazy("case event", "Co-handling contribution")
        CO_HANDLING_RELEASED = "co_handling_released", pgettext_lazy("case event", "Co-handler released")
        MEASURE_ADDED = "measure_added", pgettext_lazy("case event", "Rectification measure added")
        MEASURE_CARRIED_OUT = (
            "measure_carried_out",
            pgettext_lazy("case event", "Rectification measure carried out"),
        )
        MEASURE_RETURNED = "measure_returned", pgettext_lazy("case event", "Rectification measure returned")
        MEASURE_VERIFIED = "measure_verified", pgettext_lazy("case event", "Rectification measure verified")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    is_public = models.BooleanField(_("visible to the citizen"), default=False)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_STORAGE_ROOT (read each time, so tests can move it), with no public URL."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files are served only through the back office's download view.")


def private_storage():
    return PrivateStorage()


def random_attachment_name(instance, filename):
    # The citizen's file name is kept in original_name only; on disk a random name cannot collide,
    # reveal anything, or climb out of the storage directory.
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}.get(
        instance.content_type, ".pdf"
    )
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=random_attachment_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    @property
    def display_name(self):
        return Path(self.original_name).name


class OnlineSubmission(models.Model):
    """One filed online form, keyed by its submission token: the database's unique index is what
    makes a double click, a reload or a retry after a lost response file one case, never two.

    The access code is kept (encrypted) for a day so that a citizen whose response was lost after
    the commit (a dropped connection, a killed worker) sees their receipt when they send the same
    form again; the housekeeping task deletes the row after that.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    access_code = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")

    def __str__(self):
        return f"{self.case_id} {self.created_at:%Y-%m-%d %H:%M}"


class Outcome(models.Model):
    class Adoption(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outcomes")
    characterisation = models.TextField(_("characterisation"), blank=True)
    responsibility = models.TextField(_("responsibility"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    rectification = models.TextField(_("rectification required"), blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    adoption = models.CharField(_("suggestion adopted"), max_length=12, choices=Adoption.choices, blank=True)
    # Shown to the proposer with the decision (measures §四(二)3), like the plan and its milestones.
    adoption_reasons = models.TextField(_("reasons for the adoption decision"), blank=True)
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    help_provided = models.TextField(_("help provided"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self):
        return f"{self.case} · {self.recorded_at:%Y-%m-%d}"


class Milestone(models.Model):
    """A step of an adopted suggestion's implementation plan, followed until it is done."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="milestones")
    what = models.CharField(_("what"), max_length=300)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("implementation milestone")
        verbose_name_plural = _("implementation milestones")

    def __str__(self):
        return f"{self.due_on} {self.what}"


class RectificationMeasure(models.Model):
    """整改措施: one measure of an outcome's rectification (reception measures §四(三)3), owned by a
    department (and optionally one of its staff), followed after the reply until a reviewer or a
    supervisor verifies it was carried out (appeals measures §五(一)1). Changed by the command layer
    only: planned → carried out (by the owner) → verified, or returned to planned for more work."""

    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("rectification measure", "Planned")
        CARRIED_OUT = (
            "carried_out",
            pgettext_lazy("rectification measure", "Carried out, awaiting verification"),
        )
        VERIFIED = "verified", pgettext_lazy("rectification measure", "Verified")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rectification_measures")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="rectification_measures")
    description = models.TextField(_("measure"))
    department = models.ForeignKey(
        Department, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)
    carried_out_note = models.TextField(_("what was done"), blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last time a verifier sent it back, and why (the timeline keeps every return).
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    return_note = models.TextField(_("returned because"), blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("rectification measure")
        verbose_name_plural = _("rectification measures")
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self):
        return f"{self.deadline} {self.description[:60]}"

    def is_overdue(self, today=None):
        """Past its deadline and not carried out yet."""
        return self.state == self.State.PLANNED and self.deadline < (today or timezone.localdate())


class Visit(models.Model):
    """A walk-in registration (《公民來訪登記表》)."""

    visited_at = models.DateTimeField(_("time of visit"), default=timezone.now)
    visitor_count = models.PositiveSmallIntegerField(_("number of visitors"), default=1)
    visitor_names = EncryptedTextField(_("visitors' names"))
    contacts = EncryptedTextField(_("other contact details"), blank=True)
    id_numbers = EncryptedTextField(_("ID numbers"), blank=True)
    # The rest of the printed 《公民來訪登記表》: telephone, e-mail and address of the visitors,
    # the documents they handed in, and whether they read the record and confirmed it.
    phone = EncryptedTextField(_("telephone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    materials_provided = EncryptedTextField(_("documents provided"), blank=True)
    visitor_confirmed = models.BooleanField(_("confirmed by the visitor"), default=False)
    reason = models.TextField(_("reason for the visit"))
    outcome = models.TextField(_("outcome of the reception"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reception officer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self):
        return f"{self.visited_at:%Y-%m-%d %H:%M} ({self.visitor_count})"


class PersonalDataAccess(AppendOnly):
    """Who saw which case's personal data, and when (measures §七(二); docs/security.md)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(
        Case, null=True, on_delete=models.SET_NULL, related_name="personal_data_accesses"
    )
    accessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self):
        return f"{self.user} {self.case_id} {self.accessed_at:%Y-%m-%d %H:%M} {self.what}"


class ReplyTemplate(models.Model):
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.title

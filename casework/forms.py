"""Forms of the back office: one per workflow step, the registration screens and the case filters."""

import re
from datetime import date, datetime, time

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import access
from .deadlines import MAX_EXTENSION_DAYS, MIN_EXTENSION_DAYS, filter_by_sla
from .escalation import response_due
from .models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Department,
    DepartmentMembership,
    Milestone,
    Outcome,
    Priority,
    RectificationMeasure,
    ReplyTemplate,
    Satisfaction,
    SLAState,
    Status,
    Visit,
)

# A date outside these is no period of the office's cases, and the ends of the calendar overflow
# date arithmetic (9999-12-31 has no next day; 0001-01-01 at midnight in Taipei is still year 0 in UTC).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
DATE_LIMITS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]

TEXT = {"rows": 4}
# More visitors than any walk-in group brings: a slip of the keyboard (5000 for 50) is caught at entry
# instead of being kept in the visit register.
MAX_VISITORS = 500


def text_field(label, required=True, help_text=""):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs=TEXT), help_text=help_text
    )


class StepForm(forms.Form):
    """A workflow step's form; cleaned_data is passed as keyword arguments to the workflow function."""

    def __init__(self, *args, case, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)


class NoteForm(StepForm):
    note = text_field(_("Note (optional)"), required=False)


class CommentsForm(StepForm):
    comments = text_field(_("Comments"), required=False)


class RequiredCommentsForm(StepForm):
    comments = text_field(_("Comments for the handler"))


class ReasonForm(StepForm):
    reason = text_field(_("Reason"))


class RejectForm(StepForm):
    reason = text_field(_("Reason"), help_text=_("The citizen will read this."))


class RequestInformationForm(StepForm):
    request = text_field(_("What the citizen should provide"), help_text=_("The citizen will read this."))


class TextForm(StepForm):
    text = text_field(_("Text"))


class ReceiveInformationForm(StepForm):
    text = text_field(_("Information received"))


class DuplicateForm(StepForm):
    original = forms.CharField(label=_("Reference of the earlier case"), max_length=30)
    note = text_field(_("Note (optional)"), required=False)

    def clean_original(self):
        reference = self.cleaned_data["original"].strip().upper()
        original = (
            access.cases_visible_to(self.user).filter(reference=reference).exclude(pk=self.case.pk).first()
        )
        if original is None:
            raise forms.ValidationError(_("No other case has this reference."))
        return original


class TemplatedReplyForm(StepForm):
    """A reply text, or a reply template for the case's category to start from."""

    text_field_name = "reply_text"
    template = forms.ModelChoiceField(
        label=_("Reply template"),
        queryset=ReplyTemplate.objects.none(),
        required=False,
        help_text=_("Used when the text is left empty."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ReplyTemplate.objects.filter(category=self.case.category)
        if not self.fields["template"].queryset.exists():
            del self.fields["template"]

    def clean(self):
        cleaned = super().clean()
        template = cleaned.pop("template", None)
        if not (cleaned.get(self.text_field_name) or "").strip():
            if template is None:
                self.add_error(self.text_field_name, _("Write the text or choose a template."))
            else:
                cleaned[self.text_field_name] = template.text
        return cleaned


class AnswerForm(TemplatedReplyForm):
    reply_text = text_field(_("Answer"), required=False, help_text=_("The citizen will read this."))
    field_order = ["reply_text", "template"]


class DraftReplyForm(TemplatedReplyForm):
    text_field_name = "draft_reply"
    draft_reply = text_field(_("Draft reply"), required=False)
    field_order = ["draft_reply", "template"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["draft_reply"].initial = self.case.draft_reply


class ReplyForm(StepForm):
    reply_text = text_field(_("Reply"), help_text=_("The citizen will read this."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_text"].initial = self.case.draft_reply


# Rows of co-handling departments offered by the routing forms; a case needing more is rare, and
# a further one can be added when it is re-routed.
CO_HANDLING_ROWS = 3


class RouteForm(StepForm):
    """The lead department, and up to CO_HANDLING_ROWS co-handling departments (協辦) each with its
    task and due date; cleaned_data gives them as `co_handlers` (department, task, due date)."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    reason = text_field(_("Note (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True)
        for n in range(1, CO_HANDLING_ROWS + 1):
            self.fields[f"co_department_{n}"] = forms.ModelChoiceField(
                label=_("Co-handling department %(n)s") % {"n": n},
                queryset=departments,
                required=False,
                help_text=_("Optional: a further department that contributes (協辦).") if n == 1 else "",
            )
            self.fields[f"co_task_{n}"] = text_field(
                _("Task of co-handling department %(n)s") % {"n": n}, required=False
            )
            self.fields[f"co_due_on_{n}"] = forms.DateField(
                label=_("Due date of co-handling department %(n)s") % {"n": n},
                required=False,
                validators=DATE_LIMITS,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=_("Empty: five working days from today, and not after the reply is due."),
            )

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("department")
        co_handlers, seen = [], set()
        for n in range(1, CO_HANDLING_ROWS + 1):
            department = cleaned.pop(f"co_department_{n}", None)
            task = (cleaned.pop(f"co_task_{n}", "") or "").strip()
            due_on = cleaned.pop(f"co_due_on_{n}", None)
            if department is None:
                if task or due_on:
                    self.add_error(f"co_department_{n}", _("Choose the co-handling department."))
                continue
            if lead is not None and department.pk == lead.pk:
                self.add_error(f"co_department_{n}", _("The lead department cannot also co-handle the case."))
            elif department.pk in seen or self.case.co_handlings.filter(department=department).exists():
                self.add_error(f"co_department_{n}", _("This department already co-handles the case."))
            if not task:
                self.add_error(f"co_task_{n}", _("Describe the task of this co-handling department."))
            if due_on is not None and due_on < timezone.localdate():
                self.add_error(f"co_due_on_{n}", _("A co-handling due date cannot be in the past."))
            seen.add(department.pk)
            co_handlers.append((department, task, due_on))
        cleaned["co_handlers"] = co_handlers
        return cleaned


class RerouteForm(RouteForm):
    reason = text_field(_("Reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = self.fields["department"].queryset.exclude(
            pk=self.case.department_id
        )


class AssignForm(StepForm):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        handlers = get_user_model().objects.filter(
            department_memberships__department=self.case.department_id,
            department_memberships__role=DepartmentMembership.Role.HANDLER,
        )
        if not access.is_member(self.user, self.case.department_id, DepartmentMembership.Role.REVIEWER):
            handlers = handlers.filter(pk=self.user.pk)
        self.fields["handler"].queryset = handlers.distinct().order_by("last_name", "first_name")
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class CoHandlingContributionForm(StepForm):
    co_handling = forms.ModelChoiceField(label=_("Co-handling task"), queryset=None, empty_label=None)
    contribution = text_field(
        _("Contribution of your department"), help_text=_("For the lead department's reply; staff only.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .workflow.rules import co_handler_departments

        field = self.fields["co_handling"]
        field.queryset = self.case.co_handlings.filter(
            answered_at__isnull=True,
            released_at__isnull=True,
            department__in=co_handler_departments(self.user, self.case),
        ).select_related("department")
        field.label_from_instance = co_handling_label


class CoHandlingReleaseForm(StepForm):
    co_handling = forms.ModelChoiceField(
        label=_("Co-handling department to release"), queryset=None, empty_label=None
    )
    reason = text_field(_("Reason for the release"), help_text=_("Staff only."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["co_handling"]
        field.queryset = self.case.co_handlings.filter(
            answered_at__isnull=True, released_at__isnull=True
        ).select_related("department")
        field.label_from_instance = co_handling_label


def co_handling_label(row):
    return _("%(department)s, due %(date)s") % {
        "department": row.department.name,
        "date": row.due_on.isoformat(),
    }


class HandlingPlanForm(StepForm):
    plan = text_field(_("Handling plan"))


class OutcomeForm(StepForm):
    """The fields that fit the case's category (docs/domain.md "In progress")."""

    characterisation = text_field(_("Characterisation"), required=False)
    responsibility = text_field(_("Responsibility"), required=False)
    measures = text_field(_("Measures taken"), required=False)
    rectification = text_field(_("Rectification required"), required=False)
    rectification_deadline = forms.DateField(
        label=_("Rectification deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    adoption = forms.ChoiceField(
        label=_("Suggestion adopted"), choices=[("", "—")] + Outcome.Adoption.choices, required=False
    )
    adoption_reasons = text_field(
        _("Reasons"),
        required=False,
        help_text=_(
            "Required when the suggestion is not or only partly adopted. The proposer will read this."
        ),
    )
    implementation_plan = text_field(
        _("Implementation plan"), required=False, help_text=_("The proposer will read this.")
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: the due date (YYYY-MM-DD), a space, then what will be done. "
            "The proposer will see them and hear when each is done."
        ),
    )
    help_provided = text_field(_("Help provided"), required=False)

    BY_CATEGORY = {
        Category.COMPLAINT: [
            "characterisation",
            "responsibility",
            "measures",
            "rectification",
            "rectification_deadline",
        ],
        Category.SUGGESTION: ["adoption", "adoption_reasons", "implementation_plan", "milestones"],
        Category.HELP: ["help_provided"],
    }
    REQUIRED = {"characterisation", "measures", "adoption", "help_provided"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.BY_CATEGORY.get(self.case.category, ["characterisation", "measures"])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
            elif name in self.REQUIRED and self.case.category in self.BY_CATEGORY:
                self.fields[name].required = True
        if "rectification" in self.fields:
            self.fields["rectification"].help_text = _(
                "What must be put right, in general. List each measure below, with its owner and deadline: "
                "each is followed until it is verified, and the citizen sees them."
            )
            self.fields["rectification_deadline"].help_text = _(
                "Leave empty when you list measures: the latest measure's deadline is taken."
            )
            for number in range(1, MEASURE_ROWS + 1):
                for name, field in MeasureFields.build(number).items():
                    if name == "department":
                        field.initial = self.case.department_id
                    self.fields[f"measure_{number}_{name}"] = field

    def clean(self):
        data = super().clean()
        if "rectification" not in self.fields:
            return data
        measures = []
        for number in range(1, MEASURE_ROWS + 1):
            names = {
                name: f"measure_{number}_{name}"
                for name in ("description", "department", "owner", "deadline")
            }
            values = {name: data.pop(key, None) for name, key in names.items()}
            try:
                measure = clean_measure(self, values)
            except forms.ValidationError as error:
                self.add_error(names["description"], error)
                continue
            if measure:
                measures.append(measure)
        data["rectification_measures"] = measures
        return data

    def clean_milestones(self):
        """[(what, due date)] from one line per milestone."""
        milestones = []
        for number, line in enumerate((self.cleaned_data.get("milestones") or "").splitlines(), 1):
            if not line.strip():
                continue
            day, _space, what = line.strip().partition(" ")
            try:
                due = date.fromisoformat(day)
            except ValueError:
                due = None
            if due is None or not what.strip():
                raise forms.ValidationError(
                    _("Line %(number)d: write the due date as YYYY-MM-DD, a space, then what will be done.")
                    % {"number": number}
                )
            milestones.append((what.strip(), due))
        return milestones


# --- Rectification measures ----------------------------------------------------------------------

# Rows for measures in the outcome form: a repeated set of fields that needs no JavaScript; more
# measures are added afterwards from the case page.
MEASURE_ROWS = 3


def date_field(label, required=True, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        validators=DATE_LIMITS,
        widget=forms.DateInput(attrs={"type": "date"}),
        **kwargs,
    )


def measure_departments():
    return Department.objects.filter(is_active=True)


def department_staff():
    """Handlers and reviewers, by name: a measure's owner belongs to its department (checked by the
    command)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, department_memberships__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def staff_label(user):
    return user.get_full_name() or user.get_username()


class MeasureFields:
    """The fields of one measure, named with a prefix (measure_1_description, ...)."""

    @staticmethod
    def build(number=None):
        def label(text):
            return _("Measure %(number)s: %(field)s") % {"number": number, "field": text} if number else text

        owner = forms.ModelChoiceField(
            label=label(_("owner (optional)")),
            queryset=department_staff(),
            required=False,
            help_text=_("A member of the owner department who answers for the measure."),
        )
        owner.label_from_instance = staff_label
        return {
            "description": text_field(label(_("what will be done")), required=False),
            "department": forms.ModelChoiceField(
                label=label(_("owner department")), queryset=measure_departments(), required=False
            ),
            "owner": owner,
            "deadline": date_field(label(_("deadline")), required=False),
        }


def clean_measure(form, values):
    """(description, department, owner, deadline) of one filled measure, None for an empty one."""
    description = (values.get("description") or "").strip()
    # The department is chosen beforehand (the case's): a row without the rest is an empty row.
    if not any([description, values.get("owner"), values.get("deadline")]):
        return None
    if not description or values.get("department") is None or values.get("deadline") is None:
        raise forms.ValidationError(
            _("Each measure needs what is to be done, its department and its deadline.")
        )
    owner = values.get("owner")
    department = values["department"]
    if (
        owner is not None
        and not DepartmentMembership.objects.filter(user=owner, department=department).exists()
    ):
        raise forms.ValidationError(_("The owner of a measure must belong to its department."))
    if values["deadline"] < timezone.localdate():
        raise forms.ValidationError(_("A measure's deadline cannot be in the past."))
    return description, department, owner, values["deadline"]


class MeasureForm(StepForm):
    """A further measure, added by the case's department after the outcome."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(MeasureFields.build())
        for name in ("description", "department", "deadline"):
            self.fields[name].required = True
        self.fields["description"].label = _("What will be done")
        self.fields["department"].label = _("Owner department")
        self.fields["department"].initial = self.case.department_id
        self.fields["owner"].label = _("Owner (optional)")
        self.fields["deadline"].label = _("Deadline")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        clean_measure(self, data)
        return data


def measure_label(measure):
    return _("%(what)s (%(department)s, by %(date)s)") % {
        "what": Truncator(measure.description).chars(80),
        "department": measure.department.name,
        "date": measure.deadline.isoformat(),
    }


class MeasureChoiceForm(StepForm):
    state = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label=_("Rectification measure"), queryset=self.measures(), empty_label=None
        )
        field.label_from_instance = measure_label
        self.fields = {"measure": field, **self.fields}

    def measures(self):
        return RectificationMeasure.objects.filter(case=self.case, state=self.state).select_related(
            "department"
        )


class CarryOutMeasureForm(MeasureChoiceForm):
    state = RectificationMeasure.State.PLANNED
    note = text_field(_("What was done"))
    done_on = date_field(_("Carried out on"), initial=timezone.localdate)

    def measures(self):
        measures = super().measures()
        if self.user.is_superuser:
            return measures
        return measures.filter(department_id__in=access.department_ids(self.user))

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(_("A measure cannot be carried out on a future date."))
        return done_on


class VerifyMeasureForm(MeasureChoiceForm):
    state = RectificationMeasure.State.CARRIED_OUT
    note = text_field(_("Verification note (optional)"), required=False)


class ReturnMeasureForm(MeasureChoiceForm):
    state = RectificationMeasure.State.CARRIED_OUT
    note = text_field(_("What more must be done"))


class MilestoneDoneForm(StepForm):
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none())
    done_on = forms.DateField(
        label=_("Done on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = text_field(_("Note (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = Milestone.objects.filter(
            outcome__case=self.case, done_on__isnull=True
        )


class SatisfactionForm(StepForm):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = text_field(_("What the citizen said"), required=False)


class CloseForm(StepForm):
    note = text_field(_("Note"), required=False, help_text=_("Required when there was no follow-up."))


class ExtensionForm(StepForm):
    days = forms.IntegerField(
        label=_("Extra working days"), min_value=MIN_EXTENSION_DAYS, max_value=MAX_EXTENSION_DAYS
    )
    reason = text_field(_("Reason"))


class SupervisionNoticeForm(StepForm):
    reason = text_field(_("Reason"), help_text=_("What the department must do; staff only."))
    respond_by = forms.DateField(
        label=_("Answer required by"),
        validators=DATE_LIMITS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respond_by"].initial = response_due()

    def clean_respond_by(self):
        respond_by = self.cleaned_data["respond_by"]
        if respond_by <= timezone.localdate():
            raise forms.ValidationError(_("The response date must be after today."))
        return respond_by


class SupervisionResponseForm(StepForm):
    notice = forms.ModelChoiceField(label=_("Supervision notice"), queryset=None, empty_label=None)
    progress = text_field(_("Progress made"))
    expected_completion = forms.DateField(
        label=_("Expected completion"),
        validators=DATE_LIMITS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["notice"]
        field.queryset = self.case.supervision_notices.filter(answered_at__isnull=True).order_by("issued_at")
        field.label_from_instance = self.notice_label

    @staticmethod
    def notice_label(notice):
        return _("Issued %(issued)s, answer by %(date)s") % {
            "issued": timezone.localtime(notice.issued_at).date().isoformat(),
            "date": notice.respond_by.isoformat() if notice.respond_by else "—",
        }

    def clean_expected_completion(self):
        expected = self.cleaned_data["expected_completion"]
        if expected < timezone.localdate():
            raise forms.ValidationError(_("The expected completion date cannot be in the past."))
        return expected


# --- Registration ------------------------------------------------------------------------------


# A phone number as people write it: digits with spaces, brackets, dashes and a leading +.
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,28}$")
PHONE_MESSAGE = _("Enter a phone number with digits only (spaces, + and - are allowed).")
# The registers' free-text lists (documents, evidence): a page of the printed form at most.
MAX_LIST_LENGTH = 2000


def clean_phone_number(value):
    value = (value or "").strip()
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(PHONE_MESSAGE)
    return value


def citizen_language_field():
    """The language the citizen reads: their slip and the messages to them are in it."""
    return forms.ChoiceField(
        label=_("Citizen's language"),
        choices=settings.LANGUAGES,
        # Left out (an older form, a prefilled check-in), the staff member's language is taken.
        required=False,
        help_text=_("The visitor's slip and the messages to the citizen are in this language."),
    )


class CitizenFields(forms.Form):
    citizen_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    citizen_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    citizen_email = forms.EmailField(label=_("E-mail"), required=False)
    citizen_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    citizen_id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)


class CaseRegistrationForm(CitizenFields):
    """A case that came in by phone, letter or e-mail, registered by staff while the citizen waits."""

    CHANNELS = [(c.value, c.label) for c in (Channel.HOTLINE, Channel.LETTER, Channel.EMAIL, Channel.SOCIAL)]

    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = text_field(_("Content"))
    reply_channel = forms.ChoiceField(
        label=_("Reply by"), choices=[("", _("Same channel"))] + Channel.choices, required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    is_major = forms.BooleanField(label=_("Major or complex"), required=False)
    # The rest of the complaint register (《投訴登記表》).
    evidence_provided = forms.CharField(
        label=_("Evidence provided"),
        max_length=MAX_LIST_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the citizen handed in or sent: documents, photos, recordings."),
    )
    citizen_confirmed = forms.BooleanField(
        label=_("The citizen confirmed the registered record"),
        required=False,
        help_text=_("Read back to them on the phone, or signed by them on the printed register."),
    )
    language = citizen_language_field()

    field_order = ["channel", "category", "subject", "content"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        # The citizen's updates go by e-mail, else by text message to their phone, unless the office
        # sends none (SMS_DISABLED): then a phone means a call, and no text is promised.
        if getattr(settings, "SMS_DISABLED", False):
            self.fields["reply_channel"].choices = [
                (value, _("Telephone call") if value == Channel.HOTLINE else label)
                for value, label in self.fields["reply_channel"].choices
            ]
            self.fields["reply_channel"].help_text = _(
                "Updates go to the citizen's e-mail; this office sends no text messages."
            )
        else:
            self.fields["reply_channel"].help_text = _(
                "Updates go to the citizen's e-mail, else by text message (SMS) to their phone."
            )

    def clean_citizen_phone(self):
        return clean_phone_number(self.cleaned_data["citizen_phone"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("citizen_confirmed") and not (cleaned.get("citizen_name") or "").strip():
            self.add_error(
                "citizen_confirmed", _("Only a citizen who gave their name can confirm the register.")
            )
        if cleaned.get("reply_channel") in {Channel.EMAIL} and not cleaned.get("citizen_email"):
            self.add_error("citizen_email", _("An e-mail address is needed to reply by e-mail."))
        if cleaned.get("reply_channel") in {Channel.HOTLINE} and not cleaned.get("citizen_phone"):
            self.add_error("citizen_phone", _("A phone number is needed to reply by phone."))
        return cleaned


class VisitForm(forms.ModelForm):
    """《公民來訪登記表》; optionally opens a case for what the visitors asked."""

    open_case = forms.BooleanField(label=_("Open a case for this visit"), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    # Stored on the visit (its telephone and e-mail on the printed register) and on the case it opens.
    citizen_phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    citizen_email = forms.EmailField(label=_("E-mail"), required=False)
    language = citizen_language_field()

    class Meta:
        model = Visit
        fields = [
            "visited_at",
            "visitor_count",
            "visitor_names",
            "id_numbers",
            "contacts",
            "address",
            "reason",
            "materials_provided",
            "outcome",
            "visitor_confirmed",
        ]
        widgets = {
            "visited_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "visitor_names": forms.TextInput(),
            "contacts": forms.TextInput(),
            "id_numbers": forms.TextInput(),
            "address": forms.TextInput(),
            "reason": forms.Textarea(attrs=TEXT),
            "materials_provided": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs=TEXT),
        }
        labels = {
            "visitor_confirmed": _("The visitor read the record and confirmed it"),
        }
        help_texts = {
            "materials_provided": _("Documents and copies the visitors handed in, one per line."),
            "visitor_confirmed": _("They sign the printed register to confirm it."),
        }

    field_order = [
        "visited_at",
        "visitor_count",
        "visitor_names",
        "id_numbers",
        "citizen_phone",
        "citizen_email",
        "contacts",
        "address",
        "reason",
        "materials_provided",
        "outcome",
        "visitor_confirmed",
        "open_case",
        "category",
        "subject",
        "language",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["language"].initial = translation.get_language()

    def clean_citizen_phone(self):
        return clean_phone_number(self.cleaned_data["citizen_phone"])

    def clean_address(self):
        address = (self.cleaned_data["address"] or "").strip()
        if len(address) > 300:
            raise forms.ValidationError(_("An address of at most 300 characters."))
        return address

    def clean_materials_provided(self):
        materials = (self.cleaned_data["materials_provided"] or "").strip()
        if len(materials) > MAX_LIST_LENGTH:
            raise forms.ValidationError(_("At most 2000 characters: list the documents briefly."))
        return materials

    def save(self, commit=False):
        """The visit, never saved here: only the command layer (workflow.register_visit) writes it."""
        visit = super().save(commit=False)
        visit.phone = self.cleaned_data.get("citizen_phone", "")
        visit.email = self.cleaned_data.get("citizen_email", "")
        return visit

    def clean_visitor_count(self):
        count = self.cleaned_data["visitor_count"]
        if not 1 <= count <= MAX_VISITORS:
            raise forms.ValidationError(_("Between 1 and 500 visitors."))
        return count

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_case"):
            if not cleaned.get("category"):
                self.add_error("category", _("Choose a category for the case."))
            if not (cleaned.get("subject") or "").strip():
                self.add_error("subject", _("Give the case a subject."))
        return cleaned


# --- Filters -----------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or subject"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any"))] + Status.choices, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any"))] + Category.choices, required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any"))] + Channel.choices, required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("Any")
    )
    sla = forms.ChoiceField(label=_("Deadline"), choices=[("", _("Any"))] + SLAState.choices, required=False)
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_LIMITS,
    )
    received_to = forms.DateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DATE_LIMITS,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = access.departments_visible_to(user)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            queryset = queryset.filter(Q(reference__iexact=q) | Q(subject__icontains=q))
        for name in ("status", "category", "channel", "department"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("sla"):
            queryset = filter_by_sla(queryset, data["sla"])
        if data.get("received_from"):
            start = timezone.make_aware(datetime.combine(data["received_from"], time.min))
            queryset = queryset.filter(received_at__gte=start)
        if data.get("received_to"):
            end = timezone.make_aware(datetime.combine(data["received_to"], time.max))
            queryset = queryset.filter(received_at__lte=end)
        return queryset


class ReissueAccessCodeForm(forms.Form):
    """Staff reissue a citizen's access code, having checked who is asking."""

    SEND, READ_OUT, BOTH = "send", "read_out", "both"

    identity_confirmed = forms.BooleanField(
        label=_("I have checked that I am dealing with the citizen who filed this case."),
        error_messages={"required": _("Confirm that you checked the citizen's identity.")},
    )
    identity_check = forms.CharField(
        label=_("How was the identity checked?"),
        max_length=300,
        help_text=_(
            "For example: ID card seen at the counter; name, address and case details confirmed by phone."
        ),
    )
    delivery = forms.ChoiceField(
        label=_("How does the citizen get the new code?"),
        choices=[
            (SEND, _("Send it to the e-mail address or phone on the case")),
            (READ_OUT, _("Show it to me once, to read out")),
            (BOTH, _("Both")),
        ],
        initial=SEND,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        has_contact = bool(self.case.citizen_email or self.case.citizen_phone)
        if data.get("delivery") in (self.SEND, self.BOTH) and not has_contact:
            self.add_error(
                "delivery", _("The case has no e-mail address or phone number; read the code out.")
            )
        return data

    @property
    def send(self):
        return self.cleaned_data["delivery"] in (self.SEND, self.BOTH)

    @property
    def read_out(self):
        return self.cleaned_data["delivery"] in (self.READ_OUT, self.BOTH)


class SupervisionNoticeFilterForm(forms.Form):
    """The notice list's filters: where a notice stands, the department answering, who issued it."""

    OPEN, ANSWERED, ANSWERED_LATE, OVERDUE, ESCALATED = (
        "open",
        "answered",
        "answered_late",
        "overdue",
        "escalated",
    )
    STATES = [
        (OPEN, _("Waiting for an answer")),
        (ANSWERED, _("Answered")),
        (ANSWERED_LATE, _("Answered late")),
        (OVERDUE, _("Overdue (no answer by the date)")),
        (ESCALATED, _("Escalated")),
    ]
    BY_HAND, ROUND = "hand", "round"
    state = forms.ChoiceField(label=_("Notice"), choices=[("", _("Any"))] + STATES, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("Any")
    )
    issued = forms.ChoiceField(
        label=_("Issued"),
        choices=[("", _("Any")), (BY_HAND, _("By a supervisor")), (ROUND, _("By the supervision round"))],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = access.departments_visible_to(user)

    @classmethod
    def in_state(cls, queryset, state, today=None):
        """Notices in one state. Waiting and overdue notices belong to open cases: a closed case's
        notice waits for nothing any more."""
        today = today or timezone.localdate()
        waiting = Q(answered_at__isnull=True, case__status__in=OPEN_STATUSES)
        conditions = {
            cls.OPEN: waiting,
            cls.ANSWERED: Q(answered_at__isnull=False),
            cls.ANSWERED_LATE: Q(answered_late=True),
            cls.OVERDUE: waiting & Q(respond_by__lt=today),
            cls.ESCALATED: Q(escalations__gt=0),
        }
        return queryset.filter(conditions[state])

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("state"):
            queryset = self.in_state(queryset, data["state"])
        if data.get("department"):
            queryset = queryset.filter(department=data["department"])
        if data.get("issued") == self.BY_HAND:
            queryset = queryset.filter(issued_by__isnull=False)
        elif data.get("issued") == self.ROUND:
            queryset = queryset.filter(issued_by__isnull=True)
        return queryset

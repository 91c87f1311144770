"""Citizens file appeals online and follow them: the forms and views behind AppealFormPage and TrackingPage.

Every change to a case goes through casework.workflow; these views only collect and check what the
citizen typed. Pages that show an access code or anything about a case are never cached.
"""

import re
import secrets

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from casework import workflow
from casework.attachments import add_attachment, validate_upload, without_metadata
from casework.models import Case, Category, Channel, Event, Satisfaction, StageLimits, Status

from .ratelimit import rate_limited

MAX_FILES = 5
MAX_TOTAL_SIZE = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
ANONYMOUS_CATEGORIES = {Category.SUGGESTION, Category.OTHER}
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,28}$")
TOKENS_KEY = "appeal_tokens"
RECEIPT_KEY = "appeal_receipt"
TRACKED_KEY = "tracked_case_id"
# Compared against when the reference is unknown, so a wrong code and an unknown reference take as long.
_DUMMY_HASH = make_password("not-a-real-access-code")

REPLY_CHANNELS = [
    (Channel.WEB, _("On this portal (track your case)")),
    (Channel.EMAIL, _("By e-mail")),
    (Channel.HOTLINE, _("By telephone")),
    (Channel.LETTER, _("By letter to my address")),
]


def no_store(response):
    """Responses with an access code or case details stay out of every cache, ours and the browser's."""
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    return response


# --- Attachments -------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES images or PDFs, each recognised by its content, not its name."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("You can attach at most %(count)d files.") % {"count": MAX_FILES})
        if sum(f.size for f in files) > MAX_TOTAL_SIZE:
            raise ValidationError(_("The files together are larger than 20 MB."))
        errors, cleaned = [], []
        for uploaded in files:
            try:
                content_type = validate_upload(uploaded)
                if content_type.startswith("image/"):
                    _check_pixels(uploaded)
                # Decoded in full here, so that an unreadable image is refused with the form.
                cleaned.append(without_metadata(uploaded, content_type))
            except ValidationError as error:
                errors.append(
                    ValidationError(
                        _("%(name)s: %(problem)s")
                        % {"name": uploaded.name, "problem": " ".join(error.messages)}
                    )
                )
        if errors:
            raise ValidationError(errors)
        return cleaned


def _check_pixels(uploaded):
    # A small file can decode into a huge image (a "pixel bomb"); only the header is read here.
    from PIL import Image

    try:
        with Image.open(uploaded) as image:
            width, height = image.size
    except Exception as error:
        raise ValidationError(_("The image cannot be read.")) from error
    finally:
        uploaded.seek(0)
    if width * height > MAX_PIXELS:
        raise ValidationError(_("The image is too large."))


# --- The appeal form ---------------------------------------------------------------------------


class AppealForm(forms.Form):
    category = forms.ChoiceField(label=_("Type of appeal"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(
        label=_("What happened, and what would you like us to do?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = AttachmentsField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 5 images (JPEG, PNG, GIF, WebP) or PDF documents, 10 MB each, 20 MB in all."),
    )
    anonymous = forms.BooleanField(
        label=_("I wish to stay anonymous"),
        required=False,
        help_text=_(
            "Only for suggestions and “other”. We cannot reply to an anonymous appeal; "
            "you can still follow it with its reference and access code."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address (optional)"), max_length=300, required=False)
    reply_channel = forms.ChoiceField(
        label=_("How should we reply?"), choices=REPLY_CHANNELS, initial=Channel.WEB, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is used to handle this appeal."),
        error_messages={"required": _("Please agree to the privacy notice to file the appeal.")},
    )
    captcha = CaptchaField(label=_("Type the characters in the picture"))
    # Invisible to people; bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(_("Enter a phone number with digits only (spaces, + and - are allowed)."))
        return phone

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if data.get("anonymous"):
            if category and category not in ANONYMOUS_CATEGORIES:
                self.add_error(
                    "anonymous", _("Only suggestions and “other” appeals can be filed anonymously.")
                )
            return data
        if not (data.get("name") or "").strip():
            self.add_error("name", _("Please give your name, or choose to stay anonymous where allowed."))
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            if "email" not in self.errors:
                self.add_error("phone", _("Give a phone number or an e-mail address so that we can reply."))
        channel = data.get("reply_channel")
        needs = {
            Channel.EMAIL: ("email", _("Give your e-mail address to receive the reply by e-mail.")),
            Channel.HOTLINE: ("phone", _("Give your phone number to receive the reply by telephone.")),
            Channel.LETTER: ("address", _("Give your address to receive the reply by letter.")),
        }
        if channel in needs:
            field, message = needs[channel]
            if not (data.get(field) or "").strip() and field not in self.errors:
                self.add_error(field, message)
        return data

    def citizen_fields(self):
        data = self.cleaned_data
        if data["anonymous"]:
            return {}
        return {
            "citizen_name": data["name"].strip(),
            "citizen_phone": data["phone"],
            "citizen_email": data["email"],
            "citizen_address": data["address"].strip(),
        }


def _issue_token(request):
    token = secrets.token_urlsafe(24)
    tokens = request.session.get(TOKENS_KEY, [])[-19:]
    request.session[TOKENS_KEY] = tokens + [token]
    return token


def _claim_token(request, token):
    """True once per issued token: a reload or a second click of the same form creates nothing."""
    tokens = request.session.get(TOKENS_KEY, [])
    if token not in tokens:
        return False
    # The cache makes the claim atomic when two requests of one double-click race on the session.
    if not cache.add(f"appeal-token:{token}", 1, timeout=24 * 3600):
        return False
    request.session[TOKENS_KEY] = [t for t in tokens if t != token]
    return True


def file_appeal(form, language):
    """Create the case, its first event and its attachments together; returns (case, access_code)."""
    data = form.cleaned_data
    anonymous = data["anonymous"]
    with transaction.atomic():
        case, code = workflow.register_case(
            actor=None,
            channel=Channel.WEB,
            category=data["category"],
            subject=data["subject"],
            content=data["content"],
            language=language,
            reply_channel=Channel.WEB if anonymous else data["reply_channel"],
            **form.citizen_fields(),
        )
        for uploaded in data["attachments"]:
            add_attachment(case, uploaded, None)
    return case, code


@rate_limited("appeal", "APPEAL_SUBMISSIONS_PER_HOUR")
def appeal_form_view(request, page):
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if form.is_valid():
            token = form.cleaned_data["submission_token"]
            if not _claim_token(request, token):
                # Already filed from this form: show the receipt (if not yet seen), never a second case.
                return redirect(page.url + "receipt/")
            if form.cleaned_data["website"]:
                request.session[RECEIPT_KEY] = {"discarded": True}
                return redirect(page.url + "receipt/")
            case, code = file_appeal(form, translation.get_language())
            request.session[RECEIPT_KEY] = {
                "reference": case.reference,
                "access_code": code,
                "reply_due": case.reply_due.isoformat() if case.reply_due else "",
                "anonymous": form.cleaned_data["anonymous"],
                "email": bool(case.citizen_email),
            }
            return redirect(page.url + "receipt/")
        # A fresh token for the corrected form; the old one is still unused and stays valid.
        form.data = form.data.copy()
        form.data["submission_token"] = form.data.get("submission_token") or _issue_token(request)
    else:
        form = AppealForm(initial={"submission_token": _issue_token(request)})
    return no_store(
        render(request, "portal/appeal_form_page.html", {"page": page, "self": page, "form": form})
    )


def receipt_view(request, page):
    receipt = request.session.pop(RECEIPT_KEY, None)
    context = {"page": page, "self": page, "receipt": receipt, "reply_days": StageLimits.load().reply_days}
    if receipt and receipt.get("reply_due"):
        from datetime import date

        context["reply_due"] = date.fromisoformat(receipt["reply_due"])
    return no_store(render(request, "portal/appeal_receipt.html", context))


# --- Tracking ----------------------------------------------------------------------------------


class TrackingForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=30)
    access_code = forms.CharField(label=_("Access code"), max_length=40, widget=forms.PasswordInput)


class InformationForm(forms.Form):
    text = forms.CharField(
        label=_("The information you were asked for"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 5 images (JPEG, PNG, GIF, WebP) or PDF documents, 10 MB each, 20 MB in all."),
    )


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Your comments (required if you are dissatisfied)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reopen = forms.BooleanField(label=_("I ask for my case to be handled again"), required=False)

    def clean(self):
        data = super().clean()
        dissatisfied = data.get("satisfaction") == Satisfaction.DISSATISFIED
        if dissatisfied and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Please tell us why you are dissatisfied."))
        if data.get("reopen") and not dissatisfied:
            self.add_error(
                "reopen", _("You can ask for the case to be handled again only if you are dissatisfied.")
            )
        return data


def find_case(reference, access_code):
    """The case with this reference and code, or None; the same work is done whether or not it exists."""
    case = Case.objects.filter(reference__iexact=(reference or "").strip()).first()
    if case is None:
        check_password(access_code or "", _DUMMY_HASH)
        return None
    return case if case.check_access_code(access_code) else None


@rate_limited("tracking", "TRACKING_ATTEMPTS_PER_HOUR")
def _lookup(request, page):
    form = TrackingForm(request.POST)
    if form.is_valid():
        case = find_case(form.cleaned_data["reference"], form.cleaned_data["access_code"])
        if case is not None:
            request.session.cycle_key()
            request.session[TRACKED_KEY] = case.pk
            return redirect(page.url)
        form.add_error(
            None, _("We found no case with this reference and access code. Check both and try again.")
        )
    return _render_tracking(request, page, tracking_form=form)


def tracking_view(request, page):
    case = None
    case_id = request.session.get(TRACKED_KEY)
    if case_id:
        case = Case.objects.filter(pk=case_id).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "lookup":
            return _lookup(request, page)
        if action == "leave":
            request.session.pop(TRACKED_KEY, None)
            return redirect(page.url)
        if case is not None and action == "information":
            return _add_information(request, page, case)
        if case is not None and action == "satisfaction":
            return _rate(request, page, case)
        return redirect(page.url)
    return _render_tracking(request, page, case=case)


def _add_information(request, page, case):
    form = InformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                workflow.receive_information(case, None, form.cleaned_data["text"])
                for uploaded in form.cleaned_data["attachments"]:
                    add_attachment(case, uploaded, None)
        except workflow.TransitionNotAllowed as refusal:
            form.add_error(None, refusal.message)
        else:
            request.session["tracking_message"] = "information"
            return redirect(page.url)
    return _render_tracking(request, page, case=case, information_form=form)


def _rate(request, page, case):
    form = SatisfactionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.record_satisfaction(
                case, None, data["satisfaction"], data["comment"].strip(), reopen_requested=data["reopen"]
            )
        except workflow.TransitionNotAllowed as refusal:
            form.add_error(None, refusal.message)
        else:
            request.session["tracking_message"] = "reopen" if data["reopen"] else "rated"
            return redirect(page.url)
    return _render_tracking(request, page, case=case, satisfaction_form=form)


MESSAGES = {
    "information": _("Thank you. We have received your information and your case goes on."),
    "rated": _("Thank you for rating our reply."),
    "reopen": _("Thank you. Your request to handle the case again has been passed to our staff."),
}


def _render_tracking(request, page, case=None, **forms_):
    context = {"page": page, "self": page, "case": case}
    context["message"] = MESSAGES.get(request.session.pop("tracking_message", None))
    if case is None:
        context["tracking_form"] = forms_.get("tracking_form") or TrackingForm()
    else:
        # Only what the citizen may see: public events, never who on the staff wrote them.
        context["events"] = [
            {
                "kind": e.get_kind_display(),
                "created_at": e.created_at,
                "text": e.text,
                "is_reply": e.kind == Event.Kind.REPLIED,
            }
            for e in case.events.filter(is_public=True)
        ]
        context["replies"] = [e for e in context["events"] if e["is_reply"]]
        if case.status == Status.AWAITING_INFORMATION:
            context["information_form"] = forms_.get("information_form") or InformationForm()
            request_event = case.events.filter(is_public=True, kind=Event.Kind.INFORMATION_REQUESTED).last()
            context["information_request"] = request_event.text if request_event else ""
        if case.status == Status.REPLIED:
            context["satisfaction_form"] = forms_.get("satisfaction_form") or SatisfactionForm()
    return no_store(render(request, "portal/tracking_page.html", context))

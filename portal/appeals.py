"""Citizens file appeals online and follow them: the forms and views behind AppealFormPage and TrackingPage.

Every change to a case goes through casework.workflow; these views only collect and check what the
citizen typed. Pages that show an access code or anything about a case are never cached.
"""

import hashlib
import logging
import re
import secrets
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from casework import citizen_vocabulary, crypto, effects, workflow
from casework.attachments import attach_stored, uploads_kept_only_on_commit, validate_upload, without_metadata
from casework.models import (
    Case,
    Category,
    Channel,
    Event,
    OnlineSubmission,
    Satisfaction,
    StageLimits,
    Status,
    new_access_code,
    normalise_access_code,
)
from notifications.sms import sms_disabled

from . import ratelimit
from .captcha import PortalCaptchaField, unchecked, wants_new_picture
from .ratelimit import rate_limited

logger = logging.getLogger("appeals.security")

MAX_FILES = 5
MAX_TOTAL_SIZE = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
ANONYMOUS_CATEGORIES = {Category.SUGGESTION, Category.OTHER}
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,28}$")
RECEIPT_KEY = "appeal_receipt"
TRACKED_KEY = "tracked_case_id"
TRACKED_CODE_KEY = "tracked_code"
NEW_CODE_KEY = "new_code_requested"

REPLY_CHANNELS = [
    (Channel.WEB, _("On this portal (track your case)")),
    (Channel.EMAIL, _("By e-mail")),
    (Channel.HOTLINE, _("By telephone or text message (SMS)")),
    (Channel.LETTER, _("By letter to my address")),
]
# When the office sends no text messages (SMS_DISABLED) the telephone means a call from the office.
REPLY_CHANNELS_WITHOUT_SMS = [
    (Channel.HOTLINE, _("By telephone (the office calls you)"))
    if value == Channel.HOTLINE
    else (value, label)
    for value, label in REPLY_CHANNELS
]


def reply_channel_choices():
    return REPLY_CHANNELS_WITHOUT_SMS if sms_disabled() else REPLY_CHANNELS


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
    captcha = PortalCaptchaField()
    # Invisible to people; bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_channel"].choices = reply_channel_choices()

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


# The form's submission token is signed rather than kept in the session, so that reading the form
# writes nothing (no session row per visitor); the database's unique OnlineSubmission row is what
# lets one token file one case.
SUBMISSION_TOKEN_SALT = "portal.appeal-form"
SUBMISSION_TOKEN_MAX_AGE = 24 * 3600


def new_submission_token():
    return signing.TimestampSigner(salt=SUBMISSION_TOKEN_SALT).sign(secrets.token_urlsafe(18))


def submission_token_hash(token):
    """The token's hash if we signed it in the last day, else None."""
    try:
        signing.TimestampSigner(salt=SUBMISSION_TOKEN_SALT).unsign(token, max_age=SUBMISSION_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return hashlib.sha256(token.encode()).hexdigest()


def _receipt(case, code, anonymous):
    return {
        "reference": case.reference,
        "access_code": code,
        "reply_due": case.reply_due.isoformat() if case.reply_due else "",
        "anonymous": anonymous,
        "email": bool(case.citizen_email),
    }


def earlier_receipt(token_hash):
    """The receipt of a form already filed with this token (a double click, a retry), or None."""
    submission = OnlineSubmission.objects.select_related("case").filter(token_hash=token_hash).first()
    if submission is None:
        return None
    case = submission.case
    return _receipt(case, submission.access_code, not case.citizen_name)


# Apps told of each online filing, inside its transaction, as hook(case, user): a citizen account
# links the case to the citizen signed in when it was filed. Registered from AppConfig.ready().
_FILING_HOOKS = []


def register_filing_hook(hook):
    _FILING_HOOKS.append(hook)


def file_appeal(form, language, token_hash, user=None):
    """File the form once: (receipt, created). A second filing with the same token files nothing.

    Attachments are written to storage first and the transaction only inserts rows, so it stays
    short; if it fails the files are removed again, and a killed process leaves no row behind.
    """
    data = form.cleaned_data
    anonymous = data["anonymous"]
    try:
        with uploads_kept_only_on_commit(data["attachments"]) as uploads:
            with effects.unit_of_work():
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
                for upload in uploads:
                    attach_stored(case, upload, None)
                OnlineSubmission.objects.create(token_hash=token_hash, case=case, access_code=code)
                for hook in _FILING_HOOKS:
                    hook(case, user)
    except IntegrityError:
        # The same form, sent twice at once: the other request filed it (and holds its receipt).
        receipt = earlier_receipt(token_hash)
        if receipt is None:
            raise
        return receipt, False
    return _receipt(case, code, anonymous), True


def appeal_form_view(request, page):
    # Only appeals accepted count toward the hourly limit: a mistyped captcha or a field to correct
    # costs the citizen nothing, and a client past the limit is refused before anything is checked.
    if request.method == "POST" and ratelimit.over_limit(request, "appeal", "APPEAL_SUBMISSIONS_PER_HOUR"):
        return ratelimit.too_many(request, 3600)
    if wants_new_picture(request):
        form = unchecked(AppealForm(request.POST, request.FILES))
    elif request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        token_hash = submission_token_hash(request.POST.get("submission_token", ""))
        if token_hash is None:
            form.add_error(None, _("This form has expired. Please check your entries and send it again."))
        elif form.is_valid():
            receipt = earlier_receipt(token_hash)
            if receipt is None:
                # A filing, or a bot's form quietly dropped: either counts; a retry of one does not.
                ratelimit.count_accepted(request, "appeal")
            if receipt is None and form.cleaned_data["website"]:
                receipt = {"discarded": True}
            if receipt is None:
                receipt, _created = file_appeal(form, translation.get_language(), token_hash, request.user)
            request.session[RECEIPT_KEY] = receipt
            return redirect(page.url + "receipt/")
        # The corrected form keeps its token (still unused); an expired one is replaced.
        form.data = form.data.copy()
        if token_hash is None:
            form.data["submission_token"] = new_submission_token()
    else:
        form = AppealForm(initial={"submission_token": new_submission_token()})
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


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw your case?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn case is no longer handled and cannot be reopened online."),
        error_messages={"required": _("Tick the box to confirm that you withdraw your case.")},
    )


def normalise_reference(reference):
    return (reference or "").strip().upper()[:30]


def find_case(reference, access_code):
    """The case with this reference and code, or None; the same work is done whether or not it exists."""
    case = Case.objects.filter(reference__iexact=normalise_reference(reference)).first()
    if case is None:
        crypto.spend_access_code_check(normalise_access_code(access_code))
        return None
    return case if workflow.verify_access_code(case, access_code) else None


# --- Abuse controls on tracking ----------------------------------------------------------------
# Per client (address, IPv6 /64): TRACKING_ATTEMPTS_PER_HOUR lookups, and a captcha once it has sent
# a few wrong codes. Per reference: a captcha after a few wrong codes in a day, whoever sent them;
# after TRACKING_REFERENCE_FAILURES_BEFORE_LOCK the reference's online lookup pauses for
# TRACKING_LOCK_MINUTES and the staff see a note on the case. A pause is short on purpose: anyone
# who knows a reference could cause one, and the citizen should not lose their case for long.
DAY = 24 * 3600


def _client_failures(request):
    return ratelimit.peek("tracking-fail-ip", ratelimit.client_key(request), 3600)


def _reference_failures(reference):
    return ratelimit.peek("tracking-fail-ref", reference, DAY)


def _lock_key(reference):
    return f"tracking-lock:{reference}"


def _is_paused(reference):
    try:
        return bool(cache.get(_lock_key(reference)))
    except Exception:  # noqa: BLE001 - a cache outage pauses nothing
        return False


def captcha_needed(request, reference=""):
    return _client_failures(request) >= settings.TRACKING_FAILURES_BEFORE_CAPTCHA or (
        bool(reference)
        and _reference_failures(reference) >= settings.TRACKING_REFERENCE_FAILURES_BEFORE_CAPTCHA
    )


def _record_failure(request, reference):
    ratelimit.count("tracking-fail-ip", ratelimit.client_key(request), 3600)
    failures = ratelimit.count("tracking-fail-ref", reference, DAY)
    if failures is None or failures < settings.TRACKING_REFERENCE_FAILURES_BEFORE_LOCK:
        return
    minutes = settings.TRACKING_LOCK_MINUTES
    try:
        cache.set(_lock_key(reference), 1, timeout=minutes * 60)
        first_today = cache.add(f"tracking-lock-told:{reference}", 1, timeout=DAY)
    except Exception:  # noqa: BLE001
        return
    logger.warning("online tracking paused for a reference after %d wrong codes", failures)
    if first_today:
        case = Case.objects.filter(reference__iexact=reference).first()
        if case is not None:
            workflow.note_tracking_paused(case, failures, minutes)


class TrackingCaptchaForm(forms.Form):
    captcha = PortalCaptchaField()


@rate_limited("tracking", "TRACKING_ATTEMPTS_PER_HOUR")
def _lookup(request, page):
    form = TrackingForm(request.POST)
    captcha_form = None
    if form.is_valid():
        reference = normalise_reference(form.cleaned_data["reference"])
        if captcha_needed(request, reference):
            captcha_form = TrackingCaptchaForm(request.POST)
            if not captcha_form.is_valid():
                return _render_tracking(request, page, tracking_form=form, captcha_form=captcha_form)
        case, problem = open_with_code(request, reference, form.cleaned_data["access_code"])
        if case is not None:
            request.session.cycle_key()
            request.session[TRACKED_KEY] = case.pk
            request.session[TRACKED_CODE_KEY] = code_fingerprint(case)
            return redirect(page.url)
        form.add_error(None, problem)
    return _render_tracking(request, page, tracking_form=form)


def open_with_code(request, reference, access_code):
    """(case, None) when the reference and code match, else (None, what to tell the citizen).

    Every way of opening a case with its code (tracking, adding it to a citizen account) goes
    through here, so wrong codes count toward the same captcha and pause wherever they are typed.
    The captcha itself is the caller's form's (captcha_needed says when).
    """
    if _is_paused(reference):
        return None, _(
            "Online tracking of this case is paused for a while after too many wrong access "
            "codes. Please try again later, or call us: our staff can help you at once."
        )
    case = find_case(reference, access_code)
    if case is not None:
        return case, None
    _record_failure(request, reference)
    return None, _("We found no case with this reference and access code. Check both and try again.")


def code_fingerprint(case):
    """Which access code opened the session: a new code closes the sessions the old one opened."""
    return hashlib.sha256(case.access_code_hash.encode()).hexdigest()[:16]


def tracked_case(request):
    """The case this browser session opened with its reference and current access code, or None."""
    case_id = request.session.get(TRACKED_KEY)
    if not case_id:
        return None
    case = Case.objects.filter(pk=case_id).first()
    if case is None or request.session.get(TRACKED_CODE_KEY) != code_fingerprint(case):
        request.session.pop(TRACKED_KEY, None)
        request.session.pop(TRACKED_CODE_KEY, None)
        return None
    return case


def tracking_view(request, page):
    case = tracked_case(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "lookup" and wants_new_picture(request):
            # Another picture: nothing is checked or counted, the reference stays as typed.
            return _render_tracking(
                request,
                page,
                tracking_form=unchecked(TrackingForm(request.POST)),
                captcha_form=TrackingCaptchaForm(),
            )
        if action == "lookup":
            return _lookup(request, page)
        if action == "leave":
            request.session.pop(TRACKED_KEY, None)
            request.session.pop(TRACKED_CODE_KEY, None)
            return redirect(page.url)
        if case is not None and action in CITIZEN_STEPS:
            return take_citizen_step(
                request, case, page.url, lambda **forms_: _render_tracking(request, page, case=case, **forms_)
            )
        return redirect(page.url)
    return _render_tracking(request, page, case=case)


def take_citizen_step(request, case, done_url, render_case):
    """The citizen's step named by the POST's "action" on a case already opened: answer a request
    for information, rate the reply or withdraw. On success it redirects to done_url (which shows
    the message); a form with errors comes back through render_case(**forms)."""
    return CITIZEN_STEPS[request.POST.get("action")](request, case, done_url, render_case)


def _add_information(request, case, done_url, render_case):
    form = InformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with uploads_kept_only_on_commit(form.cleaned_data["attachments"]) as uploads:
                with effects.unit_of_work():
                    workflow.receive_information(case, None, form.cleaned_data["text"])
                    for upload in uploads:
                        attach_stored(case, upload, None)
        except workflow.TransitionNotAllowed as refusal:
            form.add_error(None, refusal.message)
        else:
            request.session["tracking_message"] = "information"
            return redirect(done_url)
    return render_case(information_form=form)


def _rate(request, case, done_url, render_case):
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
            return redirect(done_url)
    return render_case(satisfaction_form=form)


def _withdraw(request, case, done_url, render_case):
    form = WithdrawalForm(request.POST)
    if form.is_valid():
        try:
            workflow.withdraw(case, None, form.cleaned_data["reason"].strip())
        except workflow.TransitionNotAllowed as refusal:
            form.add_error(None, refusal.message)
        else:
            request.session["tracking_message"] = "withdrawn"
            return redirect(done_url)
    return render_case(withdrawal_form=form)


CITIZEN_STEPS = {"information": _add_information, "satisfaction": _rate, "withdraw": _withdraw}


def own_attachments(case):
    """The files the citizen sent (staff uploads have an uploader), the only ones they may download."""
    return case.attachments.filter(uploaded_by__isnull=True)


def attachment_view(request, page, attachment_pk):
    """One of the citizen's own files, only in the session that opened their case; nothing logged."""
    case = tracked_case(request)
    attachment = own_attachments(case).filter(pk=attachment_pk).first() if case else None
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.display_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)


MESSAGES = {
    "information": _("Thank you. We have received your information and your case goes on."),
    "rated": _("Thank you for rating our reply."),
    "reopen": _("Thank you. Your request to handle the case again has been passed to our staff."),
    "withdrawn": _("Your case has been withdrawn. We will not handle it further."),
}


def _render_tracking(request, page, case=None, **forms_):
    context = {"page": page, "self": page, "case": case}
    if case is None:
        context.update(_step_message(request))
        # A link in the citizen's messages fills in the reference (never the code).
        context["tracking_form"] = forms_.get("tracking_form") or TrackingForm(
            initial={"reference": normalise_reference(request.GET.get("reference"))}
        )
        context["captcha_form"] = forms_.get("captcha_form") or (
            TrackingCaptchaForm() if captcha_needed(request) else None
        )
    else:
        context.update(case_context(request, case, page.url, **forms_))
    context["new_code_url"] = page.url + "new-code/"
    return no_store(render(request, "portal/tracking_page.html", context))


def _step_message(request):
    # Popped only when there is one: popping from an empty session would still save a session row.
    if "tracking_message" in request.session:
        return {"message": MESSAGES.get(request.session.pop("tracking_message"))}
    return {}


def case_context(request, case, case_url, **forms_):
    """What portal/includes/tracked_case.html shows of an opened case, with the forms of the steps
    the citizen may take now; the forms post to case_url, files are under case_url + "files/"."""
    context = {"case": case, "case_url": case_url, **_step_message(request)}
    # Only what the citizen may see: public events of the kinds meant for them, in their words,
    # never who on the staff wrote them.
    context["events"] = citizen_vocabulary.timeline(case)
    context["replies"] = [e for e in context["events"] if e["is_reply"]]
    context["suggestion"] = citizen_vocabulary.suggestion_feedback(case)
    context["rectification"] = citizen_vocabulary.rectification(case)
    if case.status == Status.AWAITING_INFORMATION:
        context["information_form"] = forms_.get("information_form") or InformationForm()
        request_event = case.events.filter(is_public=True, kind=Event.Kind.INFORMATION_REQUESTED).last()
        context["information_request"] = request_event.text if request_event else ""
    if case.status == Status.REPLIED:
        context["satisfaction_form"] = forms_.get("satisfaction_form") or SatisfactionForm()
    context["attachments"] = own_attachments(case)
    if workflow.can(None, case, "withdraw"):
        context["withdrawal_form"] = forms_.get("withdrawal_form") or WithdrawalForm()
    return context


# --- A new access code -------------------------------------------------------------------------


class NewCodeForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=30)
    captcha = PortalCaptchaField()


def send_new_code(reference):
    """A new code to the contact on the case, if the reference is ours and has one.

    The citizen's page says the same whatever happens here; when there is no case (or the
    reference already had its codes for the day) the code's hashing is still done, so that the
    answer does not come noticeably sooner.
    """
    case = Case.objects.filter(reference__iexact=reference).first()
    within_limit = ratelimit.hit(
        "new-code-ref", reference, settings.NEW_ACCESS_CODES_PER_REFERENCE_PER_DAY, DAY
    )
    if case is None or not within_limit:
        crypto.hash_access_code(new_access_code())
        return
    workflow.reissue_access_code(case, None)


@rate_limited("new-code", "NEW_ACCESS_CODE_REQUESTS_PER_HOUR")
def new_code_view(request, page):
    if request.method == "POST":
        form = NewCodeForm(request.POST)
        if wants_new_picture(request):
            form = unchecked(form)
        elif form.is_valid():
            reference = normalise_reference(form.cleaned_data["reference"])
            send_new_code(reference)
            request.session[NEW_CODE_KEY] = reference
            return redirect(page.url + "new-code/")
    else:
        form = NewCodeForm(initial={"reference": normalise_reference(request.GET.get("reference"))})
    context = {"page": page, "self": page, "form": form}
    if NEW_CODE_KEY in request.session:
        reference = request.session.pop(NEW_CODE_KEY)
        context["requested"] = reference
        context["tracking_url"] = f"{page.url}?{urlencode({'reference': reference})}"
    return no_store(render(request, "portal/tracking_new_code.html", context))

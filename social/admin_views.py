"""Intake's screens for social-media drafts: the open drafts, one draft's messages, and confirming it
as a case or dismissing it. The messages are the citizen's own words and may name them: only intake
officers and supervisors who accepted the confidentiality agreement see them, and each showing of a
draft is logged like a case's personal data."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from casework import access, roles, workflow
from casework.models import Category
from reception import agreements

from . import drafts
from .forms import ConfirmDraftForm, DismissDraftForm
from .models import SocialDraft

INTAKE_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR)
SUBJECT_CHARACTERS = 40


def _gate(request):
    """None when the user may see drafts, else the response that refuses them."""
    if not access.has_role(request.user, *INTAKE_ROLES):
        raise PermissionDenied
    if not access.has_accepted_confidentiality(request.user):
        return agreements.refuse(
            request, _("Accept the current confidentiality agreement before reading citizens' messages.")
        )
    return None


def masked_sender(draft):
    sender = draft.sender_id or ""
    return f"{sender[:3]}***{sender[-2:]}" if len(sender) > 8 else "***"


@never_cache
def draft_index(request):
    if refused := _gate(request):
        return refused
    rows = [
        {
            "draft": draft,
            "sender": masked_sender(draft),
            "first_words": Truncator(draft.text()).chars(30),
            "count": len(draft.messages.all()),
        }
        for draft in drafts.open_drafts().prefetch_related("messages")
    ]
    return render(request, "social/draft_index.html", {"rows": rows})


@never_cache
def draft_detail(request, pk):
    if refused := _gate(request):
        return refused
    draft = get_object_or_404(SocialDraft.objects.select_related("account", "case"), pk=pk)
    text = draft.text()
    initial = {
        "category": Category.OTHER,
        "subject": Truncator(" ".join(text.split())).chars(SUBJECT_CHARACTERS),
        "content": text,
    }
    form = ConfirmDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, _code, message = drafts.confirm(
                draft,
                request.user,
                category=data["category"],
                subject=data["subject"],
                content=data["content"],
            )
        except (workflow.TransitionNotAllowed, drafts.DraftClosed):
            messages.error(request, _("This draft was already registered or dismissed."))
            return redirect("social:draft_detail", pk=draft.pk)
        if message is not None:
            messages.success(
                request,
                _("Case %(reference)s registered; the citizen is sent its reference and access code.")
                % {"reference": case.reference},
            )
        else:
            messages.warning(
                request,
                _(
                    "Case %(reference)s registered, but the platform no longer lets us write to the citizen: "
                    "give them a new access code when they get in touch."
                )
                % {"reference": case.reference},
            )
        return redirect("casework:case_detail", pk=case.pk)
    if draft.state == SocialDraft.State.DRAFT:
        access.log_personal_data_access(request.user, None, f"social media draft {draft.number}")
    context = {
        "draft": draft,
        "sender": masked_sender(draft),
        "chat": list(draft.messages.all()),
        "form": form,
        "dismiss_form": DismissDraftForm(),
    }
    return render(request, "social/draft_detail.html", context, status=400 if form.errors else 200)


@require_POST
def draft_dismiss(request, pk):
    if refused := _gate(request):
        return refused
    draft = get_object_or_404(SocialDraft, pk=pk)
    form = DismissDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the draft is dismissed."))
        return redirect("social:draft_detail", pk=draft.pk)
    try:
        drafts.dismiss(draft, request.user, form.cleaned_data["reason"])
    except drafts.DraftClosed:
        messages.error(request, _("This draft was already registered or dismissed."))
        return redirect("social:draft_detail", pk=draft.pk)
    messages.success(request, _("Draft %(number)s dismissed.") % {"number": draft.number})
    return redirect("social:draft_index")

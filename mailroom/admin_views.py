"""The mailbox's review queue in the back office, for intake officers and supervisors: the list
(senders masked), one message in full (behind the confidentiality agreement, each showing logged),
filing it as a case by hand or dismissing it with a reason; and how the mailbox's polls went."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from casework import access
from casework.models import Category
from casework.workflow import TransitionNotAllowed
from reception import agreements

from . import mailbox, parsing, review
from .models import MailboxState, ReviewItem

PAGE_SIZE = 50


class FileForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Type of appeal"), choices=Category.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    content = forms.CharField(label=gettext_lazy("Content"), widget=forms.Textarea(attrs={"rows": 10}))
    citizen_name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    citizen_email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language of the replies"), choices=settings.LANGUAGES)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this e-mail dismissed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _require_reviewer(user):
    if not access.has_role(user, *review.REVIEWERS):
        raise PermissionDenied


@never_cache
def review_index(request):
    _require_reviewer(request.user)
    state = request.GET.get("state", ReviewItem.State.WAITING)
    items = ReviewItem.objects.select_related("case", "resolved_by").defer("raw_message")
    if state in ReviewItem.State.values:
        items = items.filter(state=state)
    else:
        state = "all"
    rows = [{"item": item, "sender": access.mask_email(item.sender)} for item in items[:PAGE_SIZE]]
    return render(
        request,
        "mailroom/review_index.html",
        {
            "rows": rows,
            "state": state,
            "states": [("all", _("All")), *ReviewItem.State.choices],
            "waiting": ReviewItem.objects.filter(state=ReviewItem.State.WAITING).count(),
            "mailbox_on": bool(settings.MAILBOX_IMAP_HOST),
            "mailboxes": MailboxState.objects.all(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    _require_reviewer(request.user)
    item = get_object_or_404(ReviewItem, pk=pk)
    if not access.has_accepted_confidentiality(request.user):
        return agreements.refuse(
            request, _("Accept the current confidentiality agreement before reading citizens' e-mails.")
        )
    shown = review.readable(item)
    file_form = FileForm(
        initial={
            "category": mailbox.default_category(),
            "subject": (shown["subject"] or parsing.first_words(shown["text"]))[:200],
            "content": shown["text"],
            "citizen_name": shown["sender_name"][:100],
            "citizen_email": shown["sender_email"][:254],
            "language": parsing.guess_language(f"{shown['subject']}\n{shown['text']}"),
        }
    )
    dismiss_form = DismissForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "file":
                file_form = FileForm(request.POST)
                if file_form.is_valid():
                    case, code = review.file_by_hand(item, request.user, **file_form.cleaned_data)
                    if case.citizen_email:
                        messages.success(
                            request,
                            _("Filed as case %(reference)s; its reference and access code were e-mailed.")
                            % {"reference": case.reference},
                        )
                        return redirect("casework:case_detail", pk=case.pk)
                    # No address to answer: the code is shown once, as for a case registered at the desk.
                    request.session[f"casework-access-code-{case.pk}"] = code
                    return redirect("casework:case_registered", pk=case.pk)
            elif action == "dismiss":
                dismiss_form = DismissForm(request.POST)
                if dismiss_form.is_valid():
                    review.dismiss(item, request.user, dismiss_form.cleaned_data["reason"])
                    messages.success(request, _("The e-mail was dismissed."))
                    return redirect("mailroom:review_index")
        except TransitionNotAllowed as refusal:
            messages.error(request, refusal.message)
            return redirect("mailroom:review_detail", pk=item.pk)
        status = 400
    access.log_personal_data_access(request.user, item.case, f"mailbox e-mail {item.pk}")
    return render(
        request,
        "mailroom/review_detail.html",
        {
            "item": item,
            "shown": shown,
            "file_form": file_form,
            "dismiss_form": dismiss_form,
            "waiting": item.state == ReviewItem.State.WAITING,
        },
        status=status,
    )


urlpatterns = [
    path("", review_index, name="review_index"),
    path("<int:pk>/", review_detail, name="review_detail"),
]

"""The signed-in citizen's pages: My appeals, one of their cases, adding an older case, their data.

A case opens here because the account holds it, never by a code typed again; everything the
citizen may do with it is the tracking page's own forms and workflow steps (portal.appeals)."""

import json
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import appeals
from portal.captcha import unchecked, wants_new_picture
from portal.ratelimit import rate_limited

from . import links
from .forms import ClaimForm, DeleteAccountForm
from .models import CaseLink

ADDED_KEY = "citizen_case_added"


def citizen_required(view):
    """Signed-in citizens only: others are sent to sign in; staff get "not found"."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        account = links.account_of(request.user)
        if account is None:
            raise Http404
        return view(request, account, *args, **kwargs)

    return wrapper


def _my_appeals(request, account, claim_form=None, captcha_form=None):
    context = {
        "cases": links.linked_cases(account),
        "claim_form": claim_form or ClaimForm(),
        "captcha_form": captcha_form
        or (appeals.TrackingCaptchaForm() if appeals.captcha_needed(request) else None),
        "added": request.session.pop(ADDED_KEY, None) if ADDED_KEY in request.session else None,
    }
    return appeals.no_store(render(request, "citizen_accounts/my_appeals.html", context))


@citizen_required
def my_appeals(request, account):
    return _my_appeals(request, account)


@require_POST
@citizen_required
@rate_limited("tracking", "TRACKING_ATTEMPTS_PER_HOUR")
def claim(request, account):
    """Add an older case with its reference and access code, under the tracking page's limits."""
    form = ClaimForm(request.POST)
    if wants_new_picture(request):
        return _my_appeals(request, account, unchecked(form), appeals.TrackingCaptchaForm())
    captcha_form = None
    if form.is_valid():
        reference = appeals.normalise_reference(form.cleaned_data["reference"])
        if appeals.captcha_needed(request, reference):
            captcha_form = appeals.TrackingCaptchaForm(request.POST)
            if not captcha_form.is_valid():
                return _my_appeals(request, account, form, captcha_form)
        case, problem = appeals.open_with_code(request, reference, form.cleaned_data["access_code"])
        if case is not None:
            links.link(account, case, CaseLink.How.CLAIMED)
            request.session[ADDED_KEY] = case.reference
            return redirect("citizen_my_appeals")
        form.add_error(None, problem)
    return _my_appeals(request, account, form, captcha_form)


def _case_or_404(account, reference):
    case = links.linked_case(account, reference)
    if case is None:
        raise Http404
    return case


@citizen_required
def my_case(request, account, reference):
    case = _case_or_404(account, reference)
    case_url = reverse("citizen_case", args=[case.reference])

    def render_case(**forms_):
        context = appeals.case_context(request, case, case_url, **forms_)
        return appeals.no_store(render(request, "citizen_accounts/case.html", context))

    if request.method == "POST":
        if request.POST.get("action") in appeals.CITIZEN_STEPS:
            return appeals.take_citizen_step(request, case, case_url, render_case)
        return redirect(case_url)
    return render_case()


@citizen_required
def my_case_file(request, account, reference, attachment_pk):
    case = _case_or_404(account, reference)
    attachment = appeals.own_attachments(case).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.display_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return appeals.no_store(response)


@citizen_required
def download_my_data(request, account):
    data = json.dumps(links.export(account), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-appeals-data.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return appeals.no_store(response)


DELETED_KEY = "citizen_account_deleted"


@citizen_required
def delete_account(request, account):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        links.delete_account(user)
        request.session[DELETED_KEY] = True
        return redirect("citizen_account_deleted")
    return appeals.no_store(render(request, "citizen_accounts/delete_account.html", {"form": form}))


def account_deleted(request):
    if not request.session.pop(DELETED_KEY, False):
        return redirect("account_login")
    return appeals.no_store(render(request, "citizen_accounts/account_deleted.html", {}))

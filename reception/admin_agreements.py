"""The confidentiality agreement in the back office: every member of staff reads and accepts the
version in effect; managers and supervisors publish a new one; they and the auditors list who
accepted which version when, and who has not accepted the current one (CSV/XLSX)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.ui.components import Component

from casework import access, exports
from casework.wagtail_hooks import RoleMenuItem
from casework.workflow import TransitionNotAllowed

from . import agreements
from .models import ConfidentialityAgreement


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=gettext_lazy("I have read and accept this confidentiality agreement"),
        error_messages={"required": gettext_lazy("Tick the box to accept the agreement.")},
    )


class PublishForm(forms.Form):
    text_zh_hant = forms.CharField(label=gettext_lazy("Text (Traditional Chinese)"), widget=forms.Textarea)
    text_zh_hans = forms.CharField(
        label=gettext_lazy("Text (Simplified Chinese)"), widget=forms.Textarea, required=False
    )
    text_en = forms.CharField(label=gettext_lazy("Text (English)"), widget=forms.Textarea, required=False)
    effective_on = forms.DateField(
        label=gettext_lazy("Effective from"),
        help_text=gettext_lazy(
            "Staff must accept the new version before personal data is shown to them from this day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_effective_on(self):
        day = self.cleaned_data["effective_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("A new version cannot take effect in the past."))
        return day


def _require_casework(user):
    if not access.is_casework_staff(user):
        raise PermissionDenied


@never_cache
@require_http_methods(["GET", "POST"])
def agreement(request):
    """The version in effect (and any announced one), with the box to tick."""
    _require_casework(request.user)
    next_url = agreements.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    current = agreements.current_agreement()
    upcoming = list(agreements.upcoming_agreements())
    bound = None
    if request.method == "POST":
        bound = AcceptForm(request.POST)
        if bound.is_valid():
            chosen = get_object_or_404(ConfidentialityAgreement, version=bound.cleaned_data["version"])
            try:
                agreements.accept(request.user, chosen)
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("You accepted version %(version)s of the confidentiality agreement.")
                    % {"version": chosen.version},
                )
                if next_url and chosen == current:
                    return redirect(next_url)
            return redirect(agreements.agreement_url(next_url))
    accepted = set(
        request.user.agreement_acceptances.filter(
            agreement__in=[v for v in [current, *upcoming] if v is not None]
        ).values_list("agreement_id", flat=True)
    )
    versions = []
    for version in [v for v in [current, *upcoming] if v is not None]:
        form = bound if bound is not None and bound.data.get("version") == str(version.version) else None
        acceptance = version.acceptances.filter(user=request.user).first() if version.pk in accepted else None
        versions.append(
            {
                "agreement": version,
                "text": version.text(request.LANGUAGE_CODE),
                "is_current": version == current,
                "acceptance": acceptance,
                "form": form or AcceptForm(initial={"version": version.version}),
            }
        )
    return render(
        request,
        "reception/agreement.html",
        {
            "versions": versions,
            "current": current,
            "next": next_url,
            "may_publish": access.has_role(request.user, *agreements.PUBLISHERS),
            "may_list": access.has_role(request.user, *agreements.LIST_READERS),
        },
        status=400 if bound is not None and not bound.is_valid() else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def publish(request):
    if not access.has_role(request.user, *agreements.PUBLISHERS):
        raise PermissionDenied
    current = agreements.current_agreement()
    initial = {"effective_on": timezone.localdate()}
    if current is not None:
        initial.update(
            text_zh_hant=current.text_zh_hant, text_zh_hans=current.text_zh_hans, text_en=current.text_en
        )
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            published = agreements.publish(request.user, **form.cleaned_data)
        except TransitionNotAllowed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Version %(version)s of the confidentiality agreement is published; staff must accept it.")
                % {"version": published.version},
            )
            return redirect("agreements:acceptances")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reception/agreement_publish.html", {"form": form, "current": current}, status=status
    )


def _acceptance_table(chosen):
    rows = []
    for user, acceptance, latest in agreements.acceptance_rows(chosen):
        rows.append(
            {
                "username": user.get_username(),
                "name": user.get_full_name(),
                "accepted_at": timezone.localtime(acceptance.accepted_at) if acceptance else None,
                "latest": latest,
            }
        )
    return rows


EXPORT_HEADER = [
    gettext_lazy("Username"),
    gettext_lazy("Name"),
    gettext_lazy("Version"),
    gettext_lazy("Accepted"),
    gettext_lazy("Latest version accepted"),
]


@never_cache
def acceptances(request):
    """Who accepted the chosen version (the current one by default) when, and who has not;
    ?format=csv or ?format=xlsx exports the same rows."""
    if not access.has_role(request.user, *agreements.LIST_READERS):
        raise PermissionDenied
    all_versions = list(ConfidentialityAgreement.objects.order_by("-version"))
    current = agreements.current_agreement()
    chosen = current
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        chosen = next((v for v in all_versions if v.version == int(wanted)), chosen)
    table = _acceptance_table(chosen)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        version = chosen.version if chosen else ""
        return exports.spreadsheet_response(
            fmt,
            f"confidentiality-agreement-{version or 'none'}",
            EXPORT_HEADER,
            (
                [
                    row["username"],
                    row["name"],
                    version,
                    row["accepted_at"].strftime("%Y-%m-%d %H:%M")
                    if row["accepted_at"]
                    else _("Not accepted"),
                    row["latest"] or "",
                ]
                for row in table
            ),
            sheet_title=_("Acceptances"),
        )
    missing = sum(1 for row in table if row["accepted_at"] is None)
    return render(
        request,
        "reception/agreement_acceptances.html",
        {
            "chosen": chosen,
            "current": current,
            "versions": all_versions,
            "rows": table,
            "missing": missing,
            "may_publish": access.has_role(request.user, *agreements.PUBLISHERS),
            "version_query": f"version={chosen.version}&" if chosen else "",
        },
    )


urlpatterns = [
    path("", agreement, name="agreement"),
    path("publish/", publish, name="publish"),
    path("acceptances/", acceptances, name="acceptances"),
]


@hooks.register("register_admin_urls")
def register_agreement_urls():
    return [
        path(
            "reception/confidentiality/",
            include((urlpatterns, "agreements"), namespace="agreements"),
        )
    ]


class AgreementReminderPanel(Component):
    """On the dashboard of staff whose roles would show personal data but who have not accepted the
    version in effect: why the citizens are masked, and the way to the agreement."""

    name = "confidentiality_agreement"
    order = 5
    template_name = "reception/agreement_home_panel.html"


@hooks.register("construct_homepage_panels")
def add_agreement_reminder(request, panels):
    if access.is_casework_staff(request.user) and access.awaits_agreement(request.user):
        panels.insert(0, AgreementReminderPanel())


@hooks.register("register_reception_menu_item")
def register_agreement_menu_item():
    return RoleMenuItem(
        gettext_lazy("Confidentiality agreement"),
        "agreements:agreement",
        access.CASEWORK_ROLES,
        icon_name="lock",
        order=700,
    )


@hooks.register("register_reception_menu_item")
def register_acceptances_menu_item():
    return RoleMenuItem(
        gettext_lazy("Agreement acceptances"),
        "agreements:acceptances",
        agreements.LIST_READERS,
        icon_name="tasks",
        order=710,
    )

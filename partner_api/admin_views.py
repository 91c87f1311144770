"""Partner systems in the back office: supervisors and administrators list partners and their keys,
add or change a partner, make a key (its raw value shown once, on that page only) and revoke one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from casework import access, roles

from .models import ApiKey, Partner

MANAGERS = (roles.SUPERVISOR, roles.ADMINISTRATOR)


class PartnerForm(forms.ModelForm):
    new_callback_secret = forms.CharField(
        label=gettext_lazy("New callback signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Leave empty to keep the current secret. The partner checks each callback with it."
        ),
    )

    class Meta:
        model = Partner
        fields = ["name", "channel", "requests_per_minute", "callback_url", "is_active"]

    def clean_requests_per_minute(self):
        value = self.cleaned_data["requests_per_minute"]
        if value < 1:
            raise forms.ValidationError(_("Allow at least one request per minute."))
        return value

    def save(self, commit=True):
        partner = super().save(commit=False)
        if self.cleaned_data.get("new_callback_secret"):
            partner.callback_secret = self.cleaned_data["new_callback_secret"]
        if commit:
            partner.save()
        return partner


class KeyForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Label"), max_length=100, required=False)


def _require_manager(user):
    if not access.has_role(user, *MANAGERS):
        raise PermissionDenied


@never_cache
def partner_index(request):
    _require_manager(request.user)
    partners = Partner.objects.prefetch_related("keys")
    return render(request, "partner_api/admin_index.html", {"partners": partners, "key_form": KeyForm()})


@never_cache
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk=None):
    _require_manager(request.user)
    partner = get_object_or_404(Partner, pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Partner system “%(name)s” saved.") % {"name": saved.name})
        return redirect("partner_api_admin:index")
    return render(
        request,
        "partner_api/admin_edit.html",
        {"form": form, "partner": partner},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_POST
def key_create(request, pk):
    """Make a key and show it on this response only: it is stored hashed and cannot be shown again."""
    _require_manager(request.user)
    partner = get_object_or_404(Partner, pk=pk)
    form = KeyForm(request.POST)
    label = form.cleaned_data["label"] if form.is_valid() else ""
    key, raw_key = ApiKey.issue(partner, label=label, created_by=request.user)
    return render(
        request, "partner_api/admin_key_created.html", {"partner": partner, "key": key, "raw_key": raw_key}
    )


@require_POST
def key_revoke(request, pk):
    _require_manager(request.user)
    key = get_object_or_404(ApiKey.objects.select_related("partner"), pk=pk)
    key.revoke()
    messages.success(
        request,
        _("Key %(prefix)s… of %(partner)s is revoked; requests with it are refused from now on.")
        % {"prefix": key.prefix, "partner": key.partner.name},
    )
    return redirect("partner_api_admin:index")


urlpatterns = [
    path("", partner_index, name="index"),
    path("add/", partner_edit, name="add"),
    path("<int:pk>/", partner_edit, name="edit"),
    path("<int:pk>/keys/", key_create, name="key_create"),
    path("keys/<int:pk>/revoke/", key_revoke, name="key_revoke"),
]


def admin_urls():
    return [path("partners/", include((urlpatterns, "partner_api_admin"), namespace="partner_api_admin"))]

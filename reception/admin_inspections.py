"""Inspections and external supervision in the back office (reception measures §六(一)1, §六(二)).

Supervisors and managers record inspections with their findings, third-party evaluations, and handle
the suggestions left on the public suggestion box; intake officers read and handle suggestions too;
auditors read everything. Access goes by role (casework.access), as in the rest of the back office.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from casework import access, roles
from portal import cache as portal_cache

from . import inspections, suggestions
from .models import Inspection, InspectionFinding, Suggestion, ThirdPartyEvaluation

EDITORS = (roles.SUPERVISOR, roles.MANAGER)
READERS = EDITORS + (roles.AUDITOR,)
SUGGESTION_HANDLERS = EDITORS + (roles.INTAKE_OFFICER,)


class RolePolicy(BasePermissionPolicy):
    """Model permissions by casework role: {action: roles allowed}; an action not listed is refused."""

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user, action):
        return access.has_role(user, *self.actions.get(action, ()))

    def users_with_any_permission(self, actions):
        wanted = {role for action in actions for role in self.actions.get(action, ())}
        return (
            get_user_model()
            .objects.filter(Q(groups__name__in=wanted) | Q(is_superuser=True), is_active=True)
            .distinct()
        )


def editable_by(editors, readers):
    return {"view": readers, "add": editors, "change": editors, "delete": editors}


register_permission_policy(Inspection, RolePolicy(Inspection, editable_by(EDITORS, READERS)))
register_permission_policy(
    ThirdPartyEvaluation, RolePolicy(ThirdPartyEvaluation, editable_by(EDITORS, READERS))
)
# Suggestions come from the public only, and are kept: nobody adds or deletes them here.
register_permission_policy(
    Suggestion,
    RolePolicy(Suggestion, {"view": SUGGESTION_HANDLERS + (roles.AUDITOR,), "change": SUGGESTION_HANDLERS}),
)


# --- Inspections --------------------------------------------------------------------------------


class InspectionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Inspectors from the staff: anyone holding a back-office role.
        self.fields["inspectors"].queryset = (
            get_user_model().objects.filter(groups__name__in=roles.ALL_ROLES, is_active=True).distinct()
        )
        self.fields["inspectors"].widget = forms.CheckboxSelectMultiple()
        self.fields["inspectors"].widget.choices = self.fields["inspectors"].choices


class InspectionInspectView(InspectView):
    def get_findings_display_value(self):
        today = timezone.localdate()
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    finding.description,
                    finding.rectification_required,
                    finding.department.name,
                    finding.deadline.isoformat(),
                    finding_state(finding, today),
                )
                for finding in self.object.findings.select_related("department")
            ),
        )
        return format_html(
            '<table class="listing"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("Finding"),
            _("Rectification required"),
            _("Owner department"),
            _("Rectify by"),
            _("State"),
            rows,
        )

    def get_field_label(self, field_name, field):
        if field_name == "findings":
            return _("Findings")
        return super().get_field_label(field_name, field)


def finding_state(finding, today):
    if finding.verified_on:
        return _("Verified on %(date)s") % {"date": finding.verified_on.isoformat()}
    if finding.rectified_on:
        return _("Rectified on %(date)s, awaiting verification") % {"date": finding.rectified_on.isoformat()}
    if finding.is_overdue(today):
        return _("Overdue")
    return _("Open")


def findings_summary(inspection):
    today = timezone.localdate()
    findings = list(inspection.findings.all())
    open_ = sum(1 for f in findings if not f.verified)
    overdue = sum(1 for f in findings if f.is_overdue(today))
    text = _("%(total)s findings, %(open)s not verified") % {"total": len(findings), "open": open_}
    if overdue:
        text += " · " + _("%(overdue)s overdue") % {"overdue": overdue}
    return text


class InspectionViewSet(ModelViewSet):
    model = Inspection
    icon = "search"
    add_to_admin_menu = False
    url_prefix = "reception/inspections"
    name = "inspections"
    menu_label = _("Inspections")
    list_display = [
        "title",
        "date",
        Column("findings", label=_("Findings"), accessor=findings_summary),
        "published",
    ]
    list_filter = ["published"]
    search_fields = ["title", "scope"]
    inspect_view_enabled = True
    inspect_view_class = InspectionInspectView
    inspect_view_fields = [
        "date",
        "title",
        "outside_inspectors",
        "inspectors",
        "scope",
        "findings",
        "published",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("date"),
            FieldPanel("title"),
            FieldPanel("inspectors"),
            FieldPanel("outside_inspectors"),
            FieldPanel("scope"),
            InlinePanel("findings", heading=_("Findings"), label=_("Finding")),
            MultiFieldPanel(
                [FieldPanel("published"), FieldPanel("public_summary"), FieldPanel("inspectors_public")],
                heading=_("Publication on the portal"),
            ),
        ],
        base_form_class=InspectionForm,
    )

    def get_queryset(self, request):
        return Inspection.objects.prefetch_related("findings")


# --- Third-party evaluations --------------------------------------------------------------------


class EvaluationViewSet(ModelViewSet):
    model = ThirdPartyEvaluation
    icon = "doc-full"
    add_to_admin_menu = False
    url_prefix = "reception/evaluations"
    name = "third_party_evaluations"
    menu_label = _("Third-party evaluations")
    form_fields = ["evaluator", "period_start", "period_end", "summary", "score", "max_score", "document"]
    list_display = ["evaluator", "period_start", "period_end", "score"]
    search_fields = ["evaluator", "summary"]
    inspect_view_enabled = True


# --- Suggestions --------------------------------------------------------------------------------


class SuggestionAdminForm(WagtailAdminModelForm):
    handled = forms.BooleanField(label=_("Handled"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handled"].initial = bool(self.instance.handled_at)

    class Meta:
        model = Suggestion
        fields = ["handling_note"]


class SuggestionEditView(EditView):
    def save_instance(self):
        instance = super().save_instance()
        if self.form.cleaned_data.get("handled"):
            instance = suggestions.mark_suggestion_handled(
                instance, self.request.user, instance.handling_note
            )
        return instance


def handled_state(suggestion):
    if suggestion.handled_at:
        return _("Handled on %(date)s") % {"date": timezone.localdate(suggestion.handled_at).isoformat()}
    return _("Not handled yet")


class SuggestionViewSet(ModelViewSet):
    model = Suggestion
    icon = "mail"
    add_to_admin_menu = False
    url_prefix = "reception/suggestions"
    name = "reception_suggestions"
    menu_label = _("Suggestion box")
    edit_view_class = SuggestionEditView
    list_display = ["__str__", "received_at", Column("state", label=_("State"), accessor=handled_state)]
    list_filter = {"handled_at": ["isnull"]}
    search_fields = ["text"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "text",
        "contact_name",
        "contact",
        "language",
        "received_at",
        "handled_at",
        "handling_note",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("text", read_only=True),
            FieldPanel("contact_name", read_only=True),
            FieldPanel("contact", read_only=True),
            FieldPanel("received_at", read_only=True),
            FieldPanel("handling_note"),
            FieldPanel("handled"),
        ],
        base_form_class=SuggestionAdminForm,
    )


# --- Overdue findings ---------------------------------------------------------------------------


@never_cache
def overdue_findings_view(request):
    if not access.has_role(request.user, *READERS):
        raise PermissionDenied
    today = timezone.localdate()
    findings = inspections.overdue_findings(today)
    return render(
        request,
        "reception/overdue_findings.html",
        {"findings": findings, "today": today, "header_title": _("Overdue inspection findings")},
    )


@hooks.register("register_admin_urls")
def register_inspection_urls():
    return [path("reception/overdue-findings/", overdue_findings_view, name="reception_overdue_findings")]


inspection_viewset = InspectionViewSet()
evaluation_viewset = EvaluationViewSet()
suggestion_viewset = SuggestionViewSet()


@hooks.register("register_admin_viewset")
def register_inspection_viewsets():
    return [inspection_viewset, evaluation_viewset, suggestion_viewset]


class ReceptionMenuItem(MenuItem):
    def __init__(self, label, url, roles_allowed, **kwargs):
        self.roles_allowed = roles_allowed
        super().__init__(label, url, **kwargs)

    def is_shown(self, request):
        return access.has_role(request.user, *self.roles_allowed)


@hooks.register("register_reception_menu_item")
def inspections_menu_item():
    return ReceptionMenuItem(
        _("Inspections"), reverse_lazy("inspections:index"), READERS, icon_name="search", order=600
    )


@hooks.register("register_reception_menu_item")
def overdue_findings_menu_item():
    return ReceptionMenuItem(
        _("Overdue inspection findings"),
        reverse_lazy("reception_overdue_findings"),
        READERS,
        icon_name="warning",
        order=610,
    )


@hooks.register("register_reception_menu_item")
def evaluations_menu_item():
    return ReceptionMenuItem(
        _("Third-party evaluations"),
        reverse_lazy("third_party_evaluations:index"),
        READERS,
        icon_name="doc-full",
        order=620,
    )


@hooks.register("register_reception_menu_item")
def suggestions_menu_item():
    return ReceptionMenuItem(
        _("Suggestion box"),
        reverse_lazy("reception_suggestions:index"),
        SUGGESTION_HANDLERS + (roles.AUDITOR,),
        icon_name="mail",
        order=630,
    )


# The published summaries are on a cached portal page: a saved inspection renews the page cache.
@receiver(post_save, sender=Inspection)
@receiver(post_save, sender=InspectionFinding)
def renew_portal_cache(sender, instance, **kwargs):
    portal_cache.purge()

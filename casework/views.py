"""The back office in the Wagtail admin. Views look cases up through access.cases_visible_to (so a
case outside the user's departments is a 404) and change them only through casework.workflow.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import access, roles, workflow
from .attachments import add_attachment
from .deadlines import WorkingCalendar, filter_by_sla, sla_state
from .forms import CaseFilterForm, CaseRegistrationForm, VisitForm, step_form
from .ledger import safe_row
from .models import OPEN_STATUSES, Channel, PersonalDataAccess, SLAState, StageLimits, Status, Visit

INBOXES = [
    ("mine", gettext_lazy("My tasks")),
    ("department", gettext_lazy("My department")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("overdue", gettext_lazy("Overdue")),
    ("all", gettext_lazy("All cases")),
]
REGISTRAR_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR)
ACCESS_LOG_ROLES = (roles.AUDITOR, roles.SUPERVISOR, roles.ADMINISTRATOR)


def _require_casework(user):
    if not access.is_casework_staff(user):
        raise PermissionDenied


def _require_role(user, *wanted):
    if not access.has_role(user, *wanted):
        raise PermissionDenied


def _visible_case(request, pk):
    _require_casework(request.user)
    return get_object_or_404(
        access.cases_visible_to(request.user).select_related("department", "handler"), pk=pk
    )


# --- Listings ----------------------------------------------------------------------------------


def inbox(queryset, name, user):
    """The cases of one inbox: what waits for this user, their department's, unassigned, overdue."""
    if name == "all":
        return queryset
    open_cases = queryset.filter(status__in=OPEN_STATUSES)
    if name == "overdue":
        return filter_by_sla(queryset, SLAState.OVERDUE)
    if name == "unassigned":
        return open_cases.filter(
            Q(department__isnull=True, status=Status.ACCEPTED)
            | Q(
                department__isnull=False, handler__isnull=True, status__in=[Status.ROUTED, Status.IN_PROGRESS]
            )
        )
    if name == "department":
        own = access.department_ids(user)
        return open_cases.filter(department_id__in=own) if own else open_cases
    # My tasks: the steps that wait for this user's role.
    wanted = Q(pk__in=[])
    if access.has_role(user, roles.INTAKE_OFFICER):
        wanted |= Q(status__in=[Status.RECEIVED, Status.ACCEPTED, Status.REPLIED, Status.FOLLOWED_UP])
    if access.has_role(user, roles.SUPERVISOR):
        wanted |= Q(requested_extension_days__gt=0) | Q(pk__in=filter_by_sla(queryset, SLAState.OVERDUE))
    if access.has_role(user, roles.MANAGER):
        wanted |= Q(status=Status.AWAITING_APPROVAL) | Q(requested_extension_days__gt=0)
    handler_of = access.department_ids(user, "handler") if access.has_role(user, roles.HANDLER) else set()
    if handler_of:
        wanted |= Q(
            department_id__in=handler_of,
            status__in=[Status.ROUTED, Status.IN_PROGRESS, Status.APPROVED],
        ) & (Q(handler=user) | Q(handler__isnull=True))
    reviewer_of = access.department_ids(user, "reviewer") if access.has_role(user, roles.REVIEWER) else set()
    if reviewer_of:
        wanted |= Q(department_id__in=reviewer_of) & (
            Q(status=Status.IN_REVIEW) | Q(status=Status.ROUTED, handler__isnull=True)
        )
    return open_cases.filter(wanted)


def masked_citizen(case):
    return {
        "name": access.mask_name(case.citizen_name),
        "phone": access.mask_phone(case.citizen_phone),
    }


def _listed_cases(request):
    """The cases of the chosen inbox and filters, among those the user may see."""
    current = request.GET.get("inbox") or "mine"
    if current not in dict(INBOXES):
        current = "mine"
    cases = inbox(access.cases_visible_to(request.user), current, request.user)
    form = CaseFilterForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        cases = form.filter(cases)
    elif form.is_bound:
        cases = cases.none()
    cases = cases.select_related("department", "handler").order_by("due_date", "-received_at")
    return current, form, cases


@never_cache
def case_index(request):
    _require_casework(request.user)
    current, form, cases = _listed_cases(request)
    page = Paginator(cases, 50).get_page(request.GET.get("p"))
    # One calendar and one settings read for the whole page, not one per row.
    limits = StageLimits.load(request)
    calendar = WorkingCalendar(timezone.localdate())
    rows = [(case, masked_citizen(case), sla_state(case, limits=limits, calendar=calendar)) for case in page]
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "casework/case_index.html",
        {
            "inboxes": INBOXES,
            "current_inbox": current,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "export_query": query.urlencode() or f"inbox={current}",
            "can_register": access.has_role(request.user, *REGISTRAR_ROLES),
        },
    )


@never_cache
def case_export(request):
    """The listing as CSV (the ledger): same inbox, filters and scoping; personal data masked."""
    _require_casework(request.user)
    _current, _form, cases = _listed_cases(request)
    limits = StageLimits.load(request)
    calendar = WorkingCalendar(timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        safe_row(
            [
                _("Reference"),
                _("Received"),
                _("Category"),
                _("Channel"),
                _("Status"),
                _("Department"),
                _("Handler"),
                _("Subject"),
                _("Citizen"),
                _("Due"),
                _("Deadline"),
            ]
        )
    )
    for case in cases.iterator(chunk_size=2000):
        state = sla_state(case, limits=limits, calendar=calendar)
        writer.writerow(
            safe_row(
                [
                    case.reference,
                    timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M"),
                    case.get_category_display(),
                    case.get_channel_display(),
                    case.get_status_display(),
                    case.department.name if case.department else "",
                    (case.handler.get_full_name() or case.handler.get_username()) if case.handler else "",
                    case.subject,
                    access.mask_name(case.citizen_name),
                    case.due_date.isoformat() if case.due_date else "",
                    state.label if state else "",
                ]
            )
        )
    return response


# --- One case ----------------------------------------------------------------------------------


def _step_forms(case, user, bound=None):
    forms = []
    for action in workflow.available_transitions(user, case):
        form = bound if bound is not None and bound.prefix == action else step_form(action, case, user)
        forms.append({"action": action, "rule": workflow.RULES[action], "form": form})
    return forms


def _case_context(request, case, bound=None):
    personal = access.can_see_personal_data(request.user, case)
    if personal:
        access.log_personal_data_access(request.user, case, "case page: identity, contact, address")
    events = case.events.select_related("actor")
    return {
        "case": case,
        "personal": personal,
        "masked": masked_citizen(case),
        "events": events,
        "attachments": case.attachments.all(),
        "outcomes": case.outcomes.all(),
        "visits": case.visits.all(),
        "pauses": case.pauses.all(),
        "steps": _step_forms(case, request.user, bound),
        "can_attach": case.is_open and access.has_role(request.user, *workflow_roles()),
        "duplicates": case.duplicates.all(),
        "failed_notifications": case.outbox_messages.filter(status="failed").count(),
    }


def workflow_roles():
    return (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.HANDLER, roles.REVIEWER, roles.MANAGER)


@never_cache
def case_detail(request, pk):
    case = _visible_case(request, pk)
    return render(request, "casework/case_detail.html", _case_context(request, case))


@require_POST
def case_action(request, pk, action):
    case = _visible_case(request, pk)
    if action not in workflow.ACTIONS:
        raise Http404
    reason = workflow.refusal(request.user, case, action)
    if reason:
        messages.error(request, reason)
        return redirect("casework:case_detail", pk=case.pk)
    form = step_form(action, case, request.user, data=request.POST)
    if form.is_valid():
        try:
            workflow.ACTIONS[action](case, request.user, **form.cleaned_data)
        except workflow.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": workflow.RULES[action].label})
            if not access.cases_visible_to(request.user).filter(pk=case.pk).exists():
                # Re-routed away from the user's department: it is no longer theirs to see.
                return redirect("casework:case_index")
        return redirect("casework:case_detail", pk=case.pk)
    messages.error(request, _("Please correct the errors below."))
    return render(request, "casework/case_detail.html", _case_context(request, case, bound=form), status=400)


@never_cache
def case_print(request, pk):
    case = _visible_case(request, pk)
    context = _case_context(request, case)
    context["now"] = timezone.now()
    return render(request, "casework/case_print.html", context)


@require_POST
def attachment_upload(request, pk):
    case = _visible_case(request, pk)
    _require_role(request.user, *workflow_roles())
    upload = request.FILES.get("file")
    if not case.is_open or upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            add_attachment(case, upload, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file has been attached."))
    return redirect("casework:case_detail", pk=case.pk)


@never_cache
def attachment_download(request, pk, attachment_pk):
    case = _visible_case(request, pk)
    if not access.can_see_personal_data(request.user, case):
        raise PermissionDenied
    attachment = get_object_or_404(case.attachments, pk=attachment_pk)
    access.log_personal_data_access(request.user, case, f"attachment {attachment.pk}")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.display_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Registration ------------------------------------------------------------------------------


PERSONAL = ["citizen_name", "citizen_phone", "citizen_email", "citizen_address", "citizen_id_number"]


@never_cache
def case_register(request):
    _require_role(request.user, *REGISTRAR_ROLES)
    form = CaseRegistrationForm(request.POST or None, initial={"channel": request.GET.get("channel")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case, code = workflow.register_case(
            actor=request.user,
            channel=data["channel"],
            category=data["category"],
            subject=data["subject"],
            content=data["content"],
            priority=data["priority"],
            is_major=data["is_major"],
            reply_channel=data["reply_channel"],
            language=request.LANGUAGE_CODE,
            **{name: data[name] for name in PERSONAL},
        )
        request.session[f"casework-access-code-{case.pk}"] = code
        return redirect("casework:case_registered", pk=case.pk)
    return render(request, "casework/case_register.html", {"form": form})


@never_cache
def case_registered(request, pk):
    case = _visible_case(request, pk)
    # The access code is shown once, right after registration, and never stored in clear.
    code = request.session.pop(f"casework-access-code-{case.pk}", None)
    return render(request, "casework/case_registered.html", {"case": case, "access_code": code})


@never_cache
def visit_index(request):
    _require_role(request.user, roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR)
    page = Paginator(Visit.objects.select_related("officer", "case"), 50).get_page(request.GET.get("p"))
    return render(request, "casework/visit_index.html", {"page": page})


@never_cache
def visit_create(request):
    _require_role(request.user, *REGISTRAR_ROLES)
    form = VisitForm(request.POST or None, initial={"visited_at": timezone.localtime().replace(second=0)})
    if request.method == "POST" and form.is_valid():
        visit = form.save(commit=False)
        visit.officer = request.user
        visit.save()
        data = form.cleaned_data
        if data["open_case"]:
            case, code = workflow.register_case(
                actor=request.user,
                channel=Channel.VISIT,
                category=data["category"],
                subject=data["subject"],
                content=visit.reason,
                language=request.LANGUAGE_CODE,
                visit=visit,
                citizen_name=visit.visitor_names,
                citizen_phone=data["citizen_phone"],
                citizen_email=data["citizen_email"],
                citizen_id_number=visit.id_numbers,
            )
            request.session[f"casework-access-code-{case.pk}"] = code
            return redirect("casework:case_registered", pk=case.pk)
        messages.success(request, _("The visit has been registered."))
        return redirect("casework:visit_index")
    return render(request, "casework/visit_form.html", {"form": form})


@never_cache
def access_log(request):
    _require_role(request.user, *ACCESS_LOG_ROLES)
    records = PersonalDataAccess.objects.select_related("user", "case")
    page = Paginator(records, 100).get_page(request.GET.get("p"))
    return render(request, "casework/access_log.html", {"page": page})

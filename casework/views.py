"""The back office in the Wagtail admin. Views look cases up through access.cases_visible_to (so a
case outside the user's departments is a 404) and change them only through casework.workflow.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from notifications import replies
from reception import agreements, registers

from . import access, roles, workflow
from .attachments import add_attachment
from .deadlines import sla_condition
from .forms import CaseRegistrationForm, ReissueAccessCodeForm, VisitForm
from .models import OPEN_STATUSES, UNASSIGNED_STATUSES, SLAState, SupervisionNotice, waiting_co_handlings

INBOXES = [
    ("mine", gettext_lazy("My tasks")),
    ("department", gettext_lazy("My department")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("overdue", gettext_lazy("Overdue")),
    ("supervised", gettext_lazy("Under supervision")),
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
        overdue = sla_condition(SLAState.OVERDUE)
        own = co_handling_departments(user)
        if own:
            # Also the cases whose co-handling task of the user's departments is past its date.
            late = waiting_co_handlings().filter(
                department_id__in=own, due_on__lt=timezone.localdate(), case__status__in=OPEN_STATUSES
            )
            overdue |= Q(pk__in=late.values("case_id"))
        return queryset.filter(overdue)
    if name == "supervised":
        # A notice belongs to the stage it was issued in: once the case moves on, the stage it
        # concerned is over and the case leaves this inbox.
        notices = SupervisionNotice.objects.filter(
            case=OuterRef("pk"), issued_at__date__gte=OuterRef("stage_started_on")
        )
        return open_cases.filter(Exists(notices))
    if name == "unassigned":
        # Accepted and not yet routed, or routed and taken by nobody (the unassigned_cases index).
        unassigned = open_cases.filter(status__in=UNASSIGNED_STATUSES, handler__isnull=True)
        own = co_handling_departments(user)
        # A co-handling department assigns nobody on the lead's case.
        return unassigned.filter(department_id__in=own) if own else unassigned
    if name == "department":
        own = access.department_ids(user)
        # Led or co-handled by one of the user's departments.
        return open_cases.filter(access.in_departments(own)) if own else open_cases
    # My tasks: the steps that wait for this user (the rules say which), and for supervisors the
    # cases past their deadline.
    wanted = workflow.waiting_for(user)
    if access.has_role(user, roles.SUPERVISOR):
        # The rule itself, not a subquery: the cases past their deadline are tested as the open
        # cases are read, never all collected first.
        wanted |= sla_condition(SLAState.OVERDUE)
    return open_cases.filter(wanted)


def co_handling_departments(user):
    """The departments of a user who sees cases by department (their cases may be co-handled);
    empty for those who see every case."""
    return set() if access.sees_all_cases(user) else access.department_ids(user)


# --- One case ----------------------------------------------------------------------------------


def _step_forms(case, user, bound=None):
    forms = []
    for action in workflow.available_transitions(user, case):
        form = (
            bound if bound is not None and bound.prefix == action else workflow.step_form(action, case, user)
        )
        forms.append({"action": action, "rule": workflow.RULES[action], "form": form})
    return forms


def _case_context(request, case, bound=None, reissue_form=None):
    personal = access.can_see_personal_data(request.user, case)
    if personal:
        access.log_personal_data_access(request.user, case, "case page: identity, contact, address")
    events = case.events.select_related("actor")
    return {
        "case": case,
        "personal": personal,
        "awaits_agreement": not personal and access.awaits_agreement(request.user, case),
        "agreement_url": agreements.agreement_url(reverse("casework:case_detail", args=[case.pk])),
        "masked": access.masked_citizen(case),
        "events": events,
        "attachments": case.attachments.all(),
        "outcomes": case.outcomes.prefetch_related("milestones"),
        "measures": _measures(case),
        "visits": case.visits.all(),
        "pauses": case.pauses.all(),
        "steps": _step_forms(case, request.user, bound),
        "can_attach": case.is_open and access.has_role(request.user, *workflow_roles()),
        "duplicates": case.duplicates.all(),
        "supervision_notices": case.supervision_notices.select_related("issued_by", "answered_by"),
        "co_handlings": case.co_handlings.select_related("department", "answered_by", "released_by"),
        "failed_notifications": case.outbox_messages.filter(status="failed").count(),
        "replies": replies.reply_ledger(case),
        "reissue_form": (
            reissue_form or ReissueAccessCodeForm(case=case)
            if access.has_role(request.user, *workflow.REISSUERS)
            else None
        ),
    }


def _measures(case):
    today = timezone.localdate()
    measures = list(case.rectification_measures.select_related("department", "owner"))
    for measure in measures:
        measure.overdue = measure.is_overdue(today)
    return measures


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
    form = workflow.step_form(action, case, request.user, data=request.POST)
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


@require_POST
def access_code_reissue(request, pk):
    """A new access code after staff checked who the citizen is: sent to them, or shown once here."""
    case = _visible_case(request, pk)
    _require_role(request.user, *workflow.REISSUERS)
    if not access.has_accepted_confidentiality(request.user):
        return agreements.refuse(
            request,
            _("Accept the current confidentiality agreement before issuing a citizen's access code."),
            reverse("casework:case_detail", args=[case.pk]),
        )
    form = ReissueAccessCodeForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        context = _case_context(request, case, reissue_form=form)
        return render(request, "casework/case_detail.html", context, status=400)
    try:
        code = workflow.reissue_access_code(
            case, request.user, identity_check=form.cleaned_data["identity_check"], send=form.send
        )
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("casework:case_detail", pk=case.pk)
    if form.read_out:
        request.session[f"casework-access-code-{case.pk}"] = code
        return redirect("casework:access_code_reissued", pk=case.pk)
    messages.success(
        request, _("A new access code has been sent to the citizen; the old one no longer works.")
    )
    return redirect("casework:case_detail", pk=case.pk)


@never_cache
def access_code_reissued(request, pk):
    case = _visible_case(request, pk)
    # Shown once, like the code of a new registration; never stored in clear.
    code = request.session.pop(f"casework-access-code-{case.pk}", None)
    if not access.has_accepted_confidentiality(request.user):
        code = None
    return render(request, "casework/access_code_reissued.html", {"case": case, "access_code": code})


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
        except workflow.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The file has been attached."))
    return redirect("casework:case_detail", pk=case.pk)


@never_cache
def attachment_download(request, pk, attachment_pk):
    case = _visible_case(request, pk)
    if not access.can_see_personal_data(request.user, case):
        if access.awaits_agreement(request.user, case):
            return agreements.refuse(
                request,
                _(
                    "Attachments are shown only to staff who have accepted the current confidentiality agreement."
                ),
                reverse("casework:case_detail", args=[case.pk]),
            )
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


PERSONAL = [
    "citizen_name",
    "citizen_phone",
    "citizen_email",
    "citizen_address",
    "citizen_id_number",
    "evidence_provided",
]


@never_cache
def case_register(request):
    _require_role(request.user, *REGISTRAR_ROLES)
    if not access.has_accepted_confidentiality(request.user):
        return _refuse_registration(request)
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
            language=data["language"] or request.LANGUAGE_CODE,
            citizen_confirmed=data["citizen_confirmed"],
            **{name: data[name] for name in PERSONAL},
        )
        request.session[f"casework-access-code-{case.pk}"] = code
        return redirect("casework:case_registered", pk=case.pk)
    return render(request, "casework/case_register.html", {"form": form})


def _refuse_registration(request):
    """Registering takes down a citizen's personal data and shows their access code."""
    return agreements.refuse(
        request,
        _("Accept the current confidentiality agreement before registering citizens' personal data."),
    )


@never_cache
def case_registered(request, pk):
    case = _visible_case(request, pk)
    # The access code is shown once, right after registration, and never stored in clear.
    code = request.session.pop(f"casework-access-code-{case.pk}", None)
    if not access.has_accepted_confidentiality(request.user):
        code = None
    # ...and the visitor's slip printed now may carry it (for a few minutes, in this session only).
    registers.keep_code_for_slip(request.session, case, code)
    return render(request, "casework/case_registered.html", {"case": case, "access_code": code})


@never_cache
def visit_create(request):
    _require_role(request.user, *REGISTRAR_ROLES)
    if not access.has_accepted_confidentiality(request.user):
        return _refuse_registration(request)
    initial = {"visited_at": timezone.localtime().replace(second=0)}
    # A visitor checked in at the desk for an appointment: the register starts from the booking.
    from reception.appointments import checked_in_for_visit, link_visit, visit_initial

    appointment = checked_in_for_visit(request.GET.get("appointment") or 0)
    if appointment is not None:
        initial.update(visit_initial(appointment))
        access.log_personal_data_access(request.user, None, f"appointment {appointment.reference}")
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = form.save(commit=False)
        case_fields = None
        if data["open_case"]:
            case_fields = {
                "category": data["category"],
                "subject": data["subject"],
                "content": visit.reason,
                "language": data["language"] or request.LANGUAGE_CODE,
                "citizen_name": visit.visitor_names,
                "citizen_phone": data["citizen_phone"],
                "citizen_email": data["citizen_email"],
                "citizen_id_number": visit.id_numbers,
                "citizen_address": visit.address,
                "evidence_provided": visit.materials_provided,
                "citizen_confirmed": visit.visitor_confirmed,
            }
        try:
            with transaction.atomic():
                visit, case, code = workflow.register_visit(visit, request.user, case_fields)
                if appointment is not None:
                    link_visit(appointment, visit)
        except workflow.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return render(
                request, "casework/visit_form.html", {"form": form, "appointment": appointment}, status=400
            )
        if case is not None:
            request.session[f"casework-access-code-{case.pk}"] = code
            return redirect("casework:case_registered", pk=case.pk)
        messages.success(request, _("The visit has been registered."))
        return redirect("casework:visit_inspect", pk=visit.pk)
    return render(request, "casework/visit_form.html", {"form": form, "appointment": appointment})

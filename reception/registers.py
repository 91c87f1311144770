"""The filled registers of the reception office and the visitor's slip (measures 000 §三(二), §三(四)3,
§四(一)3): who may see which, what each printed form holds, and the access code that a slip may carry.

- The visit register (《公民來訪登記表》) and the complaint register (《投訴登記表》) are filled copies of
  the blank forms on the portal's procedure page, row for row. Their personal data is shown in full
  to those who may see it (casework.access, like the case page) and each showing is logged; anyone
  else who may see the visit or case reads it masked; anyone else gets a 404.
- The slip tells the citizen their reference, the reply date and how to track; it holds no personal
  data. The access code is on it only while it was just issued (the registration screen shows it
  once and hands it to the slip for a few minutes, in the staff member's session only).
"""

import re
import time

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import access, roles
from casework.models import Category, Event, Visit
from portal.links import tracking_url

VISIT_ROLES = (roles.INTAKE_OFFICER, roles.SUPERVISOR, roles.MANAGER, roles.AUDITOR)
DASH = "—"
# How long after a registration its slip may still carry the access code.
SLIP_CODE_SECONDS = 10 * 60


def _session_key(case):
    return f"registers-slip-code-{case.pk}"


# --- Who may see what ------------------------------------------------------------------------------


def visible_visit(user, pk):
    """The visit if the user may read its register: the reception roles, or anyone who sees its case."""
    if not access.is_casework_staff(user):
        raise Http404
    visit = Visit.objects.select_related("officer", "case").filter(pk=pk).first()
    if visit is None:
        raise Http404
    if access.has_role(user, *VISIT_ROLES):
        return visit
    if visit.case_id and access.cases_visible_to(user).filter(pk=visit.case_id).exists():
        return visit
    raise Http404


def visible_case(user, pk, complaint=False):
    """The case if the user sees it (and, for the complaint register, it is a complaint)."""
    if not access.is_casework_staff(user):
        raise Http404
    case = access.cases_visible_to(user).select_related("department").filter(pk=pk).first()
    if case is None or (complaint and case.category != Category.COMPLAINT):
        raise Http404
    return case


def may_see_visit_data(user, visit):
    if visit.case_id:
        return access.can_see_personal_data(user, visit.case)
    return access.has_role(user, *access.PERSONAL_DATA_ROLES)


# --- The registers' rows ---------------------------------------------------------------------------


def _local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def _staff(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def _yes_no(value):
    return _("Yes") if value else _("No")


def pair(label, value, label2=None, value2=None):
    """One line of the printed form: two label-value pairs side by side, or one across the line."""
    cells = [(label, value if value not in (None, "") else DASH)]
    if label2 is not None:
        cells.append((label2, value2 if value2 not in (None, "") else DASH))
    return {"cells": cells, "wide": label2 is None}


def tall(label, value):
    row = pair(label, value)
    row["tall"] = True
    return row


def visit_register(user, visit):
    """(rows, personal): the visit register's lines as the printed form has them, logged if personal."""
    personal = may_see_visit_data(user, visit)
    if personal:
        access.log_personal_data_access(user, visit.case, f"visit register {visit.pk}: printed")
        names, id_numbers = visit.visitor_names, visit.id_numbers
        phone, email, contacts = visit.phone, visit.email, visit.contacts
        address, materials = visit.address, visit.materials_provided
    else:
        names = ", ".join(access.mask_name(n) for n in re.split(r"[,，、]", visit.visitor_names))
        id_numbers = access.mask_id_number(visit.id_numbers)
        phone, email = access.mask_phone(visit.phone), access.mask_email(visit.email)
        contacts = _("(not shown to your role)") if visit.contacts else ""
        address = _("(not shown to your role)") if visit.address else ""
        materials = _("(not shown to your role)") if visit.materials_provided else ""
    rows = [
        pair(
            _("Date and time of visit"),
            _local(visit.visited_at),
            _("Number of visitors"),
            visit.visitor_count,
        ),
        pair(_("Name"), names, _("ID document number"), id_numbers),
        pair(_("Telephone"), phone, _("E-mail"), email),
    ]
    if visit.contacts:
        rows.append(pair(_("Other contact details"), contacts))
    rows += [
        pair(_("Address"), address),
        tall(_("Reason for the visit"), visit.reason),
        tall(_("Documents provided"), materials),
        pair(
            _("Reception officer"),
            _staff(visit.officer),
            _("Reference"),
            visit.case.reference if visit.case else "",
        ),
        tall(_("Outcome"), visit.outcome),
        pair(_("Confirmed by the visitor"), _yes_no(visit.visitor_confirmed)),
    ]
    return rows, personal


def receiving_officer(case):
    event = case.events.filter(kind=Event.Kind.REGISTERED).select_related("actor").first()
    if event is None or event.actor is None:
        return _("Filed online by the citizen")
    return _staff(event.actor)


def complaint_register(user, case):
    """(rows, personal): the complaint register's lines as the printed form has them, logged if personal."""
    personal = access.can_see_personal_data(user, case)
    attachments = [a.display_name for a in case.attachments.all()]
    if personal:
        access.log_personal_data_access(user, case, "complaint register: printed")
        name, phone, address, evidence = (
            case.citizen_name,
            case.citizen_phone,
            case.citizen_address,
            case.evidence_provided,
        )
        if attachments:
            listed = _("Attached: %(files)s") % {"files": ", ".join(attachments)}
            evidence = f"{evidence}\n{listed}" if evidence else listed
    else:
        name, phone = access.mask_name(case.citizen_name), access.mask_phone(case.citizen_phone)
        address = _("(not shown to your role)") if case.citizen_address else ""
        evidence = _("(not shown to your role)") if case.evidence_provided or attachments else ""
    rows = [
        pair(_("Date received"), _local(case.received_at), _("Channel"), case.get_channel_display()),
        pair(_("Complainant's name"), name, _("Telephone"), phone),
        pair(_("Address"), address),
        pair(_("Subject of the complaint"), case.subject),
        tall(_("Facts and request"), case.content),
        tall(_("Evidence provided"), evidence),
        pair(
            _("Receiving officer"),
            receiving_officer(case),
            _("Transferred to department"),
            case.department.name if case.department else "",
        ),
        pair(
            _("Reference"),
            case.reference,
            _("Expected reply date"),
            case.reply_due.isoformat() if case.reply_due else "",
        ),
        pair(_("Confirmed by the complainant"), _yes_no(case.citizen_confirmed)),
    ]
    return rows, personal


# --- The slip --------------------------------------------------------------------------------------


def keep_code_for_slip(session, case, code, now=None):
    """Let the slips printed right after a registration carry its access code, for a few minutes."""
    if code:
        session[_session_key(case)] = {"code": code, "until": (now or time.time()) + SLIP_CODE_SECONDS}


def slip_code(session, case, now=None):
    """The just-issued access code for the slip, or None (and forgotten once too old)."""
    kept = session.get(_session_key(case))
    if not kept:
        return None
    if kept.get("until", 0) < (now or time.time()):
        session.pop(_session_key(case), None)
        return None
    return kept.get("code")


def slip(case, session):
    """What the visitor's slip says: no personal data, the access code only if just issued."""
    return {
        "case": case,
        "reference": case.reference,
        "reply_due": case.reply_due,
        "tracking_url": tracking_url(case.reference, case.language),
        "access_code": slip_code(session, case),
    }

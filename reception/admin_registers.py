"""The filled registers and the visitor's slip in the back office: each as a page to print (with a
print stylesheet) and as a PDF. The rules (who sees what, what is logged) are reception.registers'."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from wagtail import hooks

from casework import access
from reporting.analysis_views import render_pdf

from . import registers


def _document(request, template, context, pdf, filename, back_url):
    """The page to print, or its PDF (or, when WeasyPrint cannot run, back to the page with why)."""
    context = {**context, "pdf": pdf, "now": timezone.now(), "back_url": back_url}
    if not pdf:
        response = render(request, template, context)
        response["X-Robots-Tag"] = "noindex"
        return response
    document = render_pdf(render_to_string(template, context, request=request))
    if document is None:
        messages.error(
            request, _("The PDF cannot be made on this server at the moment; print this page instead.")
        )
        # The page beside the PDF: ".../<pk>/register.pdf" -> ".../<pk>/".
        return redirect(request.path.rsplit("/", 1)[0] + "/")
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


@never_cache
def visit_register(request, pk, pdf=False):
    visit = registers.visible_visit(request.user, pk)
    rows, personal = registers.visit_register(request.user, visit)
    context = {"visit": visit, "rows": rows, "personal": personal, "title": _("Visit registration form")}
    return _document(
        request,
        "reception/register.html",
        context,
        pdf,
        f"visit-register-{visit.pk}",
        _visit_back_url(request.user, visit),
    )


def _visit_back_url(user, visit):
    """The visit's page for the reception roles; the case's page for its department's staff."""
    if access.has_role(user, *registers.VISIT_ROLES) or not visit.case_id:
        return reverse("casework:visit_inspect", args=[visit.pk])
    return reverse("casework:case_detail", args=[visit.case_id])


@never_cache
def complaint_register(request, pk, pdf=False):
    case = registers.visible_case(request.user, pk, complaint=True)
    rows, personal = registers.complaint_register(request.user, case)
    context = {"case": case, "rows": rows, "personal": personal, "title": _("Complaint registration form")}
    return _document(
        request,
        "reception/register.html",
        context,
        pdf,
        f"complaint-register-{case.reference}",
        reverse("casework:case_detail", args=[case.pk]),
    )


@never_cache
def visitor_slip(request, pk, pdf=False):
    case = registers.visible_case(request.user, pk)
    back_url = reverse("casework:case_detail", args=[case.pk])
    # In the citizen's language: it is theirs to take home.
    with translation.override(case.language or None):
        context = registers.slip(case, request.session)
        context["lang"] = translation.get_language()
        return _document(request, "reception/slip.html", context, pdf, f"slip-{case.reference}", back_url)


urlpatterns = [
    path("visits/<int:pk>/", visit_register, name="visit_register"),
    path("visits/<int:pk>/register.pdf", visit_register, {"pdf": True}, name="visit_register_pdf"),
    path("complaints/<int:pk>/", complaint_register, name="complaint_register"),
    path(
        "complaints/<int:pk>/register.pdf", complaint_register, {"pdf": True}, name="complaint_register_pdf"
    ),
    path("slips/<int:pk>/", visitor_slip, name="slip"),
    path("slips/<int:pk>/slip.pdf", visitor_slip, {"pdf": True}, name="slip_pdf"),
]


@hooks.register("register_admin_urls")
def register_registers_urls():
    return [path("registers/", include((urlpatterns, "registers"), namespace="registers"))]

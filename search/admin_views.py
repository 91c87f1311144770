"""The staff case search in the Wagtail admin, beside the case list (casework.views)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from casework import access
from casework.views import masked_citizen

from . import cases
from .forms import CaseSearchForm

FACET_TITLES = {
    "status": _("Status"),
    "category": _("Category"),
    "channel": _("Channel"),
    "department": _("Department"),
    "sla": _("Deadline"),
}


@never_cache
def case_search(request):
    if not access.is_casework_staff(request.user):
        raise PermissionDenied
    form = CaseSearchForm(request.GET or None, user=request.user)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = cases.search(
            request.user,
            " ".join(data["q"].split()),
            cases.Filters.from_cleaned_data(data),
            sort=data.get("sort") or "relevance",
            page=_page_number(request.GET.get("p")),
        )
        cases.log_personal_matches(request.user, results)
    query = request.GET.copy()
    query.pop("p", None)
    rows = [(case, masked_citizen(case)) for case in results.cases] if results else []
    return render(
        request,
        "search/case_search.html",
        {
            "form": form,
            "results": results,
            "rows": rows,
            "query": query.urlencode(),
            "facets": _facet_links(results, query) if results else [],
        },
    )


def _facet_links(results, query):
    """Each facet value as a link narrowing the search to it (the current value is marked)."""
    facets = []
    for name, title in FACET_TITLES.items():
        links = []
        for value in results.facets.get(name, []):
            narrowed = query.copy()
            narrowed[name] = value.value
            links.append(
                {"value": value, "url": f"?{narrowed.urlencode()}", "current": query.get(name) == value.value}
            )
        if links:
            facets.append({"title": title, "links": links})
    return facets


def _page_number(value):
    try:
        return min(max(1, int(value)), 500)
    except (TypeError, ValueError):
        return 1

"""The staff case search in the Wagtail admin, beside the case list (casework.admin_lists).

A list like the others (casework.admin_lists.BackOfficeIndexView and the listing template), but
its rows, facets and pages come from search.cases (Elasticsearch or the database), not from a
queryset the view filters and paginates itself.
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import TitleColumn

from casework.access import masked_citizen
from casework.admin_lists import DASH, BackOfficeIndexView, column
from casework.models import Case

from . import cases, tasks
from .forms import CaseSearchForm

FACET_TITLES = {
    "status": gettext_lazy("Status"),
    "category": gettext_lazy("Category"),
    "channel": gettext_lazy("Channel"),
    "department": gettext_lazy("Department"),
    "sla": gettext_lazy("Deadline"),
}


class CaseSearchView(BackOfficeIndexView):
    model = Case
    template_name = "search/case_search.html"
    page_title = gettext_lazy("Search cases")
    header_icon = "search"
    paginate_by = None  # search.cases returns one page
    filter_submit_label = gettext_lazy("Search")
    filter_role = "search"
    no_results_message = gettext_lazy("No case matches.")

    @cached_property
    def case_search_form(self):
        return CaseSearchForm(self.request.GET or None, user=self.request.user)

    @cached_property
    def results(self):
        form = self.case_search_form
        if not (form.is_bound and form.is_valid()):
            return None
        data = form.cleaned_data
        results = cases.search(
            self.request.user,
            " ".join(data["q"].split()),
            cases.Filters.from_cleaned_data(data),
            sort=data.get("sort") or "relevance",
            page=_page_number(self.request.GET.get(self.page_kwarg)),
        )
        cases.log_personal_matches(self.request.user, results)
        if results.backend == "elasticsearch":
            # It answered: send it whatever it missed while it was down.
            tasks.catch_up_soon()
        return results

    def get_queryset(self):
        found = self.results.cases if self.results else []
        for case in found:
            case.listing_citizen = masked_citizen(case)
        return found

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "reference",
                label=_("Reference"),
                accessor="reference",
                get_url=lambda case: reverse("casework:case_detail", args=[case.pk]),
            ),
            column("subject", _("Subject"), lambda case: Truncator(case.subject).chars(60)),
            column("category", _("Category"), "get_category_display"),
            column("status", _("Status"), "get_status_display"),
            column("department", _("Department")),
            column(
                "citizen",
                _("Citizen"),
                lambda case: f"{case.listing_citizen['name'] or DASH} {case.listing_citizen['phone']}",
            ),
            column("received_at", _("Received"), lambda case: f"{case.received_at:%Y-%m-%d}"),
        ]

    def get_summary(self, context):
        if not self.results:
            return ""
        total = self.results.total
        if self.results.estimated:
            # Too many to count: an estimate, and only the first of them are listed.
            return ngettext(
                "About %(counter)s case found; the first %(shown)s are listed.",
                "About %(counter)s cases found; the first %(shown)s are listed.",
                total,
            ) % {"counter": intcomma(total), "shown": intcomma(cases.MAX_RESULTS)}
        return ngettext("%(counter)s case found", "%(counter)s cases found", total) % {"counter": total}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = self.results
        context.update(
            {
                "filter_form": self.case_search_form,
                "results": results,
                "facets": _facet_links(results, self.request.GET.copy()) if results else [],
            }
        )
        if results and results.num_pages > 1:
            # The page search.cases returned, as Wagtail's pagination shows a page.
            paginator = WagtailPaginator(range(min(results.total, cases.MAX_RESULTS)), results.per_page)
            paginator.verbose_name = Case._meta.verbose_name
            paginator.verbose_name_plural = Case._meta.verbose_name_plural
            context.update(
                {
                    "paginator": paginator,
                    "page_obj": paginator.get_page(results.page_number),
                    "is_paginated": True,
                    "elided_page_range": paginator.get_elided_page_range(results.page_number),
                }
            )
        return context


case_search = CaseSearchView.as_view()


def _facet_links(results, query):
    """Each facet value as a link narrowing the search to it (the current value is marked)."""
    query.pop("p", None)
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

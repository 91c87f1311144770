from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from . import pages

# Long enough for any real question; anything longer is cut rather than refused.
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


@require_safe
def page_search(request):
    query = " ".join(request.GET.get("q", "")[:MAX_QUERY_LENGTH].split())
    locale = Locale.objects.filter(language_code=get_language()).first()
    results = pages.search(query, locale) if query and locale else []
    paginator = Paginator(results, RESULTS_PER_PAGE)
    page_of_results = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "search/page_search.html",
        {
            "query": query,
            "results": page_of_results,
            "result_count": paginator.count,
            "max_query_length": MAX_QUERY_LENGTH,
        },
    )

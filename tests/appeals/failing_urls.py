"""The site's URLs plus one view that fails, so the error pages can be seen as a visitor sees them."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from appeals.urls import handler500  # noqa: F401 - the site's handler
from appeals.urls import urlpatterns as site_patterns


def broken(request):
    raise ValueError("a bug in a view")


urlpatterns = [
    path("broken/", broken),
    *i18n_patterns(path("broken/", broken), prefix_default_language=True),
    *site_patterns,
]

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from appeals.two_factor import two_factor
from portal import sitemaps as portal_sitemaps
from portal import views as portal_views
from reception import public_views as reception_public_views
from search import views as search_views
from social import urls as social_urls

urlpatterns = [
    path("admin/two-factor/", two_factor, name="two_factor"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", portal_sitemaps.sitemap, name="sitemap"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("healthz", portal_views.healthz, name="healthz"),
    # Social platforms' webhooks: no language prefix, the platform calls a fixed address.
    path("social/", include((social_urls.urlpatterns, "social_webhook"))),
    path("", include("partner_api.urls")),
    path("readyz", portal_views.readyz, name="readyz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every public page lives under a language prefix; "/" is redirected by LocaleMiddleware
# to the visitor's language (Accept-Language), or to zh-Hant when nothing matches.
urlpatterns += i18n_patterns(
    path("search/", search_views.page_search, name="page_search"),
    # Citizen accounts: the account's own pages first, then allauth's sign-up and sign-in.
    path("accounts/", include("citizen_accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path(
        "questionnaire/<str:token>/",
        reception_public_views.questionnaire_view,
        name="reception_questionnaire",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# A database outage met outside a view answers "please try again" (503), not a bare 500.
handler500 = "appeals.errors.server_error"

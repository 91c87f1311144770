from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as wagtail_sitemap_views
from wagtail.models import Page

from .context_processors import html_lang


class PortalSitemap(Sitemap):
    """Every live public page in every language, each listing its translations as alternates."""

    def items(self):
        root = self.get_wagtail_site().root_page
        pages = Page.objects.none()
        for home in root.get_translations(inclusive=True):
            pages |= home.get_descendants(inclusive=True)
        return pages.live().public().order_by("path").defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        urls, last_mods = [], set()
        for item in self.paginator.page(page).object_list:
            alternates = [
                {"lang_code": html_lang(t.locale.language_code), "location": t.get_full_url(self.request)}
                for t in item.get_translations(inclusive=True).live().public().select_related("locale")
            ]
            for url in item.get_sitemap_urls(self.request):
                url["alternates"] = alternates
                urls.append(url)
                last_mods.add(url.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def sitemap(request):
    return wagtail_sitemap_views.sitemap(request, sitemaps={"pages": PortalSitemap})

"""Where the office serves the site: SITE_BASE_URL, and the Wagtail Site that feeds, the sitemap and
robots.txt build their absolute links from."""

from urllib.parse import urlsplit

from django.conf import settings

# What Wagtail's first migration creates: left as it is, every feed and sitemap link would read
# http://localhost/…
PLACEHOLDER = ("localhost", 80)


def public_address(base_url=None):
    """Hostname and port of SITE_BASE_URL."""
    url = urlsplit(base_url or settings.SITE_BASE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


def adopt_public_address(site_model):
    """Give Wagtail's placeholder Site the address of SITE_BASE_URL; a Site set by hand stays."""
    hostname, port = public_address()
    for site in site_model.objects.filter(hostname=PLACEHOLDER[0], port=PLACEHOLDER[1]):
        if (hostname, port) != PLACEHOLDER and not site_model.objects.filter(
            hostname=hostname, port=port
        ).exists():
            site.hostname, site.port = hostname, port
            site.save(update_fields=["hostname", "port"])

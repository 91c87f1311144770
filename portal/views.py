from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Site


def site_root_url(request):
    """The Wagtail Site's own address (hostname and port), as the sitemap and the feeds use: behind a
    proxy the request's host may be an internal name."""
    site = Site.find_for_request(request)
    return site.root_url if site is not None else request.build_absolute_uri("/").rstrip("/")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /captcha/",
        f"Sitemap: {site_root_url(request)}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page says; the icon itself is a static
    file (with a fingerprinted name in production), so this address only points at it."""
    response = HttpResponseRedirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. It touches no service, so it stays fast while they struggle;
    whether the database, cache and broker answer is /readyz's question."""
    return JsonResponse({"status": "ok"})


def _check(probe):
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; its class says why
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    key = "readyz-probe"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":  # django-redis swallows errors and answers None when Redis is down
        raise ConnectionError("no answer")


def _broker():
    from appeals.celery import app

    if app.conf.task_always_eager or app.conf.broker_url.startswith("memory://"):
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


@never_cache
@require_GET
def readyz(request):
    """Readiness: database, cache and broker, each reported apart.

    503 only when the database is down: without the cache or the broker the site still takes and
    tracks appeals (limits fail open, the outbox keeps messages), so it should keep getting traffic.
    """
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    ready = checks["database"]["ok"]
    degraded = not all(check["ok"] for check in checks.values())
    status = "ok" if not degraded else ("degraded" if ready else "unavailable")
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)

"""Whole-page cache for the public portal.

Pages opt in (CachedPageMixin marks their responses); the middleware answers repeat anonymous
requests from the cache before URL routing or any database query. Publishing, unpublishing,
moving or deleting any page, or saving the portal settings, starts a new cache generation,
so an editor's change is visible at once (menus and footers appear on every page, so a
per-page purge would not be enough).

The cache must not be something a crawler can fill: a response is stored only when its query string
is empty or holds only the parameters its page declares (a paginated listing's `page`, and only a
page number the listing really has); any other query string is served but not stored. Every entry
expires (MAX_TIMEOUT at most) and earlier generations simply age out. Production runs this cache on
a Redis of its own, with a memory limit and `maxmemory-policy allkeys-lru`, apart from the Celery
broker's, so that a full cache evicts old pages instead of refusing the broker's writes."""

import hashlib
import re
import uuid

from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.http import HttpResponse

GENERATION_KEY = "portal:page-cache:generation"
DEFAULT_TIMEOUT = 300
MAX_TIMEOUT = 3600
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
# Headers that belong to one response only and must never be replayed to another visitor.
PRIVATE_HEADERS = {"set-cookie", "vary"}


class CachedPageMixin:
    cache_timeout = DEFAULT_TIMEOUT
    # Query parameters that change what the page shows; a request with any other is not stored.
    cache_query_parameters = ()

    def get_cache_timeout(self):
        return self.cache_timeout

    def get_cache_query_parameters(self):
        parameters = set(self.cache_query_parameters)
        if getattr(self, "per_page", None):  # a paginated listing reads ?page=
            parameters.add("page")
        return parameters

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Pages behind a password or login are never shared through the cache.
        if not self.get_view_restrictions().exists() and query_is_cacheable(
            request, response, self.get_cache_query_parameters()
        ):
            response.portal_cache_timeout = self.get_cache_timeout()
        return response


def query_is_cacheable(request, response, declared):
    """Whether the response to this query string may be stored: each parameter declared and given
    once; a page number only in its canonical form and only one the listing actually showed."""
    if not request.META.get("QUERY_STRING"):
        return True
    if not set(request.GET) <= set(declared):
        return False
    if any(len(values) != 1 for _name, values in request.GET.lists()):
        return False
    number = request.GET.get("page")
    if number is not None:
        if not PAGE_NUMBER.fullmatch(number):
            return False
        shown = [
            value
            for value in (getattr(response, "context_data", None) or {}).values()
            if isinstance(value, PaginatorPage)
        ]
        # An out-of-range number shows page 1: storing it would give every number its own entry.
        if not shown or any(page.number != int(number) for page in shown):
            return False
    return True


def purge():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def cache_key(request):
    # Hashed: a query string is whatever a visitor typed (a search for their own phone number, say),
    # and it must not sit in the cache's key space, nor make a key too long for the backend.
    where = hashlib.sha256(f"{request.get_host()}:{request.get_full_path()}".encode()).hexdigest()
    return f"portal:page:{generation()}:{where}"


def request_is_cacheable(request):
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def response_is_cacheable(request, response):
    timeout = getattr(response, "portal_cache_timeout", None)
    if not timeout or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page carries a CSRF token or sets a cookie: it is this visitor's alone
    if b"csrfmiddlewaretoken" in response.content:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = cache_key(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Portal-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if response_is_cacheable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in PRIVATE_HEADERS]
            timeout = min(response.portal_cache_timeout, MAX_TIMEOUT)
            cache.set(key, (response.status_code, headers, response.content), timeout)
            response["X-Portal-Cache"] = "miss"
        return response

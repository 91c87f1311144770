"""Per-client rate limits for public forms (appeal filing, case tracking).

Counting happens in the cache (Redis in production), in fixed windows. The client is identified by
REMOTE_ADDR: X-Forwarded-For is trusted only for the number of proxies the deployment declares,
counted from the right, so a visitor cannot pick their own key by sending the header. IPv6 clients
are grouped by /64, the block one household or phone usually holds, so rotating addresses inside
it buys nothing.

When the cache is down the limits fail open, with a warning in the log: they are there against
abuse, not for correctness. Filing still refuses duplicates (a unique row in the database) and
access codes are 60 random bits, so a few minutes without limits let nobody guess a code, while
refusing every citizen for as long as Redis is away would close the office's online desk.
"""

import functools
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger("appeals.security")

# An outage is logged once a minute per process, not once per request.
_last_outage_warning = [0.0]


def client_ip(request):
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    # The last `proxies` entries were appended by our own proxies; the one before them is the client.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


def client_key(request):
    """The key limits count under: the client's IPv4 address, or its IPv6 /64 network."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def safe_for_log(value, limit=200):
    """Escape CR/LF and other control characters so a value cannot forge log lines."""
    text = str(value)[:limit]
    return text.encode("unicode_escape").decode("ascii")


def _cache_unavailable(scope):
    now = time.monotonic()
    if now - _last_outage_warning[0] > 60:
        _last_outage_warning[0] = now
        logger.warning("rate limits are not counted (scope=%s): the cache does not answer", scope)


def _window_key(scope, key, window_seconds, now):
    window = int((now if now is not None else time.time()) // window_seconds)
    return f"ratelimit:{scope}:{key}:{window}", window_seconds + 5


def count(scope, key, window_seconds, now=None):
    """Add one attempt and return how many there were in this window; None when the cache is down."""
    cache_key, timeout = _window_key(scope, key, window_seconds, now)
    try:
        added = cache.add(cache_key, 1, timeout=timeout)
        if added:
            return 1
        if added is None:  # django-redis answers None instead of raising when Redis is down
            raise ConnectionError
        try:
            value = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=timeout)
            value = 1
        if value is None:
            raise ConnectionError
        return value
    except Exception:  # noqa: BLE001 - any cache failure: the limit cannot be counted, not an error
        _cache_unavailable(scope)
        return None


def peek(scope, key, window_seconds, now=None):
    """Attempts so far in this window without adding one (0 when the cache is down)."""
    cache_key, _timeout = _window_key(scope, key, window_seconds, now)
    try:
        return cache.get(cache_key) or 0
    except Exception:  # noqa: BLE001
        _cache_unavailable(scope)
        return 0


def hit(scope, key, limit, window_seconds, now=None):
    """Count one attempt; True while the client is within `limit` attempts in the current window."""
    value = count(scope, key, window_seconds, now)
    return value is None or value <= limit


def too_many(request, window_seconds):
    response = render(request, "429.html", {"retry_minutes": max(1, window_seconds // 60)}, status=429)
    response["Retry-After"] = str(window_seconds)
    return response


def rate_limited(scope, limit_setting, window_seconds=3600, methods=("POST",)):
    """Answer 429 with a readable page once a client exceeds settings.<limit_setting> per window."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                limit = getattr(settings, limit_setting)
                key = client_key(request)
                if not hit(scope, key, limit, window_seconds):
                    logger.warning(
                        "rate limit hit scope=%s ip=%s path=%s",
                        scope,
                        safe_for_log(key),
                        safe_for_log(request.path),
                    )
                    return too_many(request, window_seconds)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def over_limit(request, scope, limit_setting, window_seconds=3600):
    """True once the client has used up settings.<limit_setting> in this window (nothing is counted).

    For forms where only what is accepted counts (count_accepted after success), so that a refused
    attempt, such as a mistyped captcha, costs nothing. Two requests at the same moment can both
    pass the check: the limit is against abuse, and one more filing is harmless.
    """
    limit = getattr(settings, limit_setting)
    key = client_key(request)
    if peek(scope, key, window_seconds) >= limit:
        logger.warning(
            "rate limit hit scope=%s ip=%s path=%s", scope, safe_for_log(key), safe_for_log(request.path)
        )
        return True
    return False


def count_accepted(request, scope, window_seconds=3600):
    count(scope, client_key(request), window_seconds)

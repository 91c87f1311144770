"""Per-client rate limits for public forms (appeal filing, case tracking).

Counting happens in the cache (Redis in production), in fixed windows. The client is identified by
REMOTE_ADDR: X-Forwarded-For is trusted only for the number of proxies the deployment declares,
counted from the right, so a visitor cannot pick their own key by sending the header.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger("appeals.security")


def client_ip(request):
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
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


def safe_for_log(value, limit=200):
    """Escape CR/LF and other control characters so a value cannot forge log lines."""
    text = str(value)[:limit]
    return text.encode("unicode_escape").decode("ascii")


def hit(scope, key, limit, window_seconds, now=None):
    """Count one attempt; True while the client is within `limit` attempts in the current window."""
    window = int((now if now is not None else time.time()) // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window_seconds + 5)
            count = 1
    return count <= limit


def rate_limited(scope, limit_setting, window_seconds=3600, methods=("POST",)):
    """Answer 429 with a readable page once a client exceeds settings.<limit_setting> per window."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                limit = getattr(settings, limit_setting)
                ip = client_ip(request)
                if not hit(scope, ip, limit, window_seconds):
                    logger.warning(
                        "rate limit hit scope=%s ip=%s path=%s",
                        scope,
                        safe_for_log(ip),
                        safe_for_log(request.path),
                    )
                    response = render(
                        request, "429.html", {"retry_minutes": max(1, window_seconds // 60)}, status=429
                    )
                    response["Retry-After"] = str(window_seconds)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

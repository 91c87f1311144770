"""Who is calling: an API key in `Authorization: Api-Key <key>` (or Open311's `api_key` parameter),
and how often they may: each partner's own requests per minute."""

import logging
import time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from portal import ratelimit

from .models import ApiKey, split_key

logger = logging.getLogger("appeals.security")

KEYWORD = "Api-Key"
# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = 300


class PartnerClient:
    """The caller as DRF sees it: a partner system, never a member of staff."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, api_key):
        self.api_key = api_key
        self.partner = api_key.partner

    def __str__(self):
        return f"partner:{self.partner.pk}"


class ApiKeyAuthentication(BaseAuthentication):
    from_header = True
    from_parameter = False

    def authenticate(self, request):
        raw = self._raw_key(request)
        if raw is None:
            return None
        prefix, raw = split_key(raw)
        key = ApiKey.objects.select_related("partner").filter(prefix=prefix).first() if prefix else None
        if key is None or not key.matches(raw):
            logger.warning("API request with an unknown key (prefix=%s)", ratelimit.safe_for_log(prefix, 8))
            raise exceptions.AuthenticationFailed(_("The API key is not valid."))
        if key.is_revoked:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if not key.partner.is_active:
            raise exceptions.AuthenticationFailed(_("This partner system is not active."))
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return PartnerClient(key), key

    def _raw_key(self, request):
        header = get_authorization_header(request).split() if self.from_header else []
        if header and header[0].decode("latin-1").lower() == KEYWORD.lower():
            if len(header) != 2:
                raise exceptions.AuthenticationFailed(_("Send the key as “Authorization: Api-Key <key>”."))
            return header[1].decode("latin-1")
        if self.from_parameter:
            value = request.query_params.get("api_key")
            if value is None and request.method == "POST":
                value = request.data.get("api_key") if hasattr(request.data, "get") else None
            return value
        return None

    def authenticate_header(self, request):
        return KEYWORD


class Open311KeyAuthentication(ApiKeyAuthentication):
    """Open311 clients may put the key in the query string or the form (GeoReport v2 "api_key")."""

    from_header = False
    from_parameter = True


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partner_api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Api-Key <key>`",
        }


class Open311KeyScheme(OpenApiAuthenticationExtension):
    target_class = "partner_api.auth.Open311KeyAuthentication"
    name = "Open311ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "api_key",
            "description": "Open311's `api_key` parameter",
        }


class IsPartner(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, PartnerClient)


def partner_of(request):
    return request.user.partner


class PartnerRateThrottle(BaseThrottle):
    """The partner's own limit per minute, counted in the cache like the public forms' limits
    (fails open when the cache is down: the idempotency index still refuses duplicates)."""

    WINDOW = 60

    def allow_request(self, request, view):
        if not isinstance(request.user, PartnerClient):
            return True
        partner = request.user.partner
        return ratelimit.hit("partner-api", partner.pk, partner.requests_per_minute, self.WINDOW)

    def wait(self):
        return self.WINDOW - int(time.time()) % self.WINDOW or self.WINDOW

"""Protections around staff accounts and every response (SECURITY-CHECKLIST.md).

- A Content-Security-Policy on every response: strict on the public site, which runs no script at
  all, and as loose as the Wagtail admin needs (it uses inline styles and scripts) behind /admin/.
- Two-factor authentication for staff: once signed in, a staff member reaches the back office only
  after a one-time code from their authenticator app (enrolled on first sign-in).
- Deactivating a staff account ends its sessions at once.
"""

from urllib.parse import urlencode

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.sessions.models import Session
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

BACK_OFFICE_PREFIXES = ("/admin/", "/django-admin/")

ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    # Wagtail's live preview shows the page in an iframe of the admin itself.
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def is_back_office(path):
    return path.startswith(BACK_OFFICE_PREFIXES)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy for back-office paths."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if is_back_office(request.path) and not report_only and parts.replace is None:
            return PolicyParts(config=ADMIN_POLICY, update=parts.update, nonce=parts.nonce)
        return parts


def two_factor_exempt(path):
    exempt = (
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("two_factor"),
        reverse("wagtailadmin_password_reset"),
    )
    return path.startswith(exempt) or path.startswith(settings.STATIC_URL)


class StaffTwoFactorMiddleware:
    """Sends a signed-in member of staff without a verified second factor to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_TWO_FACTOR_REQUIRED
            and is_back_office(request.path)
            and request.user.is_authenticated
            and not request.user.is_verified()
            and not two_factor_exempt(request.path)
        ):
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def end_sessions_of(user):
    """Delete every session signed in as `user` (database sessions: decoded one by one)."""
    user_id = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()
            ended += 1
    return ended


def end_sessions_of_deactivated(sender, instance, **kwargs):
    if not instance.is_active and instance.pk:
        end_sessions_of(instance)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer once an account or address is locked: a translated page, status 429."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "appeals/lockout.html", {"cooloff_minutes": minutes}, status=429)

"""Protections around staff accounts and every response (docs/security.md).

- A Content-Security-Policy on every response: strict on the public site, which runs no script at
  all. The Wagtail admin needs inline styles, and a few inline scripts of Wagtail's own templates
  (see admin_script_hashes); those, and only those, are allowed by their hash in each response.
- Two-factor authentication for staff: once signed in, a staff member reaches the back office only
  after a one-time code from their authenticator app (enrolled on first sign-in).
- Deactivating a staff account ends its sessions at once, and no staff session outlives
  STAFF_SESSION_MAX_AGE after its sign-in, however active.
- Refused access to the back office is logged (logger appeals.security) with user and path.
"""

import base64
import hashlib
import json
import logging
import re
import time
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from wagtail.admin import auth as wagtail_auth

from portal.ratelimit import safe_for_log

logger = logging.getLogger("appeals.security")

BACK_OFFICE_PREFIXES = ("/admin/",)

ADMIN_POLICY = {
    "default-src": ["'self'"],
    # No 'unsafe-inline': the inline scripts Wagtail's templates write are added by hash per response.
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    # Wagtail's live preview shows the page in an iframe of the admin itself.
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

# Wagtail 8 writes a few inline scripts that cannot carry a nonce (widget templates get no request):
#   wagtailadmin/widgets/date_input.html, time_input.html, datetime_input.html (date filters of page,
#   user, report and form listings; the publishing schedule and date fields of every page editor), and
#   wagtailadmin/panels/inline_panel.html and multiple_chooser_panel.html (InlinePanel, e.g. the
#   reception page's opening hours). Each is one call whose arguments are data: a script is allowed
#   by its hash only when it is exactly such a call and its arguments parse as JSON, so text injected
#   into a page can at most call one of these functions with data, never run code of its own.
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_CHOOSER_CALL = re.compile(
    r"\A(?:initDateChooser|initTimeChooser|initDateTimeChooser)\((?P<args>.*)\);\Z", re.DOTALL
)
# escapejs output: no quote, backslash or line break except as \uXXXX, so the literal cannot end early.
_JS_STRING = r'"(?P<json>(?:[^"\\\r\n\u2028\u2029]|\\u[0-9A-Fa-f]{4})*)"'
_PANEL_CALL = re.compile(
    r"\A\s*\(function\(\)\s*\{\s*var panel = new (?:InlinePanel|MultipleChooserPanel)\(JSON\.parse\("
    + _JS_STRING
    + r"\)\);\s*\}\)\(\);\s*\Z",
    re.DOTALL,
)


def _refuse_constant(name):
    raise ValueError(name)


def _is_data(text):
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        return False
    return True


def is_wagtail_init_script(body):
    """True for one of Wagtail's own inline widget/panel initialisations with data-only arguments."""
    call = _CHOOSER_CALL.match(body)
    if call:
        try:
            args = json.loads(f"[{call['args']}]", parse_constant=_refuse_constant)
        except ValueError:
            return False
        return len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], dict)
    panel = _PANEL_CALL.match(body)
    if panel:
        decoded = re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m[1], 16)), panel["json"])
        return _is_data(decoded)
    return False


def admin_script_hashes(response):
    """CSP hash sources for the Wagtail inline scripts of an HTML response (other inline code: none)."""
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    content = response.content.decode(response.charset or "utf-8", errors="replace")
    hashes = []
    for script in _INLINE_SCRIPT.finditer(content):
        attrs = script["attrs"].lower()
        if "src=" in attrs or "application/json" in attrs:
            continue  # external code (checked against 'self') or data the browser never runs
        body = script["body"]
        if is_wagtail_init_script(body):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            source = f"'sha256-{digest}'"
            if source not in hashes:
                hashes.append(source)
    return hashes


def is_back_office(path):
    return path.startswith(BACK_OFFICE_PREFIXES)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy for back-office paths."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if is_back_office(request.path) and not report_only and parts.replace is None:
            update = dict(parts.update or {})
            hashes = admin_script_hashes(response)
            if hashes:
                update["script-src"] = [*update.get("script-src", []), *hashes]
            return PolicyParts(config=ADMIN_POLICY, update=update or None, nonce=parts.nonce)
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


# --- Absolute lifetime of staff sessions ---------------------------------------------------------

SIGNED_IN_AT = "appeals_signed_in_at"


@receiver(user_logged_in, dispatch_uid="appeals.record_sign_in_time")
def record_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class StaffSessionLifetimeMiddleware:
    """Ends a session STAFF_SESSION_MAX_AGE seconds after its sign-in, even one in constant use.

    The idle limit (SESSION_COOKIE_AGE) alone lets a stolen session cookie live for ever as long as
    it is used. A session without a sign-in time (started before this existed) counts from now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            now = int(time.time())
            if not isinstance(signed_in_at, int):
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.STAFF_SESSION_MAX_AGE:
                logger.info(
                    "session of %s ended after its maximum lifetime", safe_for_log(user.get_username())
                )
                logout(request)
        return self.get_response(request)


# --- Refused access ------------------------------------------------------------------------------


def log_permission_denied(request):
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.warning(
        "permission denied: user=%s %s %s", safe_for_log(who), request.method, safe_for_log(request.path)
    )


class PermissionDeniedLogMiddleware:
    """Logs a PermissionDenied that reaches Django's handler (answered 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            log_permission_denied(request)
        return None


_wagtail_permission_denied = wagtail_auth.permission_denied


def _logged_permission_denied(request):
    log_permission_denied(request)
    return _wagtail_permission_denied(request)


# Wagtail's admin catches PermissionDenied itself and answers with a redirect and a message, with no
# log and no hook to add one; its decorators look this function up by name when they run.
if getattr(wagtail_auth.permission_denied, "__name__", "") != "_logged_permission_denied":
    wagtail_auth.permission_denied = _logged_permission_denied

"""allauth, fitted to the portal: citizens only, phone numbers encrypted, codes sent by the
office's SMS backend, the client's address as the portal's own rate limits see it."""

import logging
import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext

from casework import crypto
from notifications import outbox
from portal.ratelimit import client_ip

from .links import is_citizen
from .models import CitizenAccount

logger = logging.getLogger(__name__)


class CitizenAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # Behind TRUSTED_PROXY_COUNT proxies, like the portal's rate limits and django-axes.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def populate_username(self, request, user):
        # The username is never shown nor typed by a citizen; a random one keeps their e-mail
        # address out of it (and out of the staff sign-in, which takes usernames).
        user.username = f"citizen-{secrets.token_hex(8)}"

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if user.pk:
            # Whoever signs up here is a citizen (set_phone has made the account if a phone was given).
            CitizenAccount.objects.get_or_create(user=user)
        return user

    def pre_login(self, request, user, **kwargs):
        if not is_citizen(user):
            # A member of staff's e-mail address: they sign in to the back office, never here.
            clear_login(request)
            messages.error(request, gettext("This account cannot sign in here."))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    # --- Phone numbers (allauth's phone support), kept encrypted on the citizen's account ---------

    def get_phone(self, user):
        account = CitizenAccount.objects.filter(user_id=user.pk).first()
        if account is None or not account.phone:
            return None
        return account.phone, account.phone_verified

    def set_phone(self, user, phone, verified):
        account, _created = CitizenAccount.objects.get_or_create(user=user)
        account.phone = phone
        account.phone_verified = verified
        account.save()

    def set_phone_verified(self, user, phone):
        account = CitizenAccount.objects.filter(user_id=user.pk).first()
        if account is not None and account.phone_hash == crypto.lookup_hash(phone, "phone"):
            account.phone_verified = True
            account.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone):
        digest = crypto.lookup_hash(phone, "phone")
        if not digest:
            return None
        account = CitizenAccount.objects.filter(phone_hash=digest).select_related("user").first()
        return account.user if account else None

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        text = gettext("Your code for the Public Appeals Office: %(code)s. It expires in 15 minutes.") % {
            "code": code
        }
        try:
            outbox.sms_backend().send(phone, text)
        except Exception as error:  # noqa: BLE001 - the citizen can ask for the code again
            # Neither the number nor the text: the text holds the code.
            logger.warning("verification code SMS not sent: %s", outbox.describe_error(error))


def user_display(user):
    """ACCOUNT_USER_DISPLAY: how allauth's messages name the citizen (the username is random)."""
    return user.email or gettext("your account")

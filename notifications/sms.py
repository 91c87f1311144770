"""Text messages to citizens: one backend class per gateway, chosen by CASEWORK_SMS_BACKEND.

A backend's send(number, text) returns once the gateway has accepted the message. It raises
`PermanentFailure` when no retry can change the answer (a number that does not exist or cannot take
texts, a citizen who opted out, content the gateway refuses), so the outbox marks the message failed
at once, and `TemporaryFailure` (or lets any other error through) when a later try may work (rate
limits, the gateway's own errors, timeouts), so the outbox retries with back-off.

Neither the text nor the full number is ever logged or put in an exception's message: the text may
carry an access code or what the citizen wrote, and errors end up in last_error, which auditors read
and which outlives the case's retention period.
"""

import logging
import re

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .failures import PermanentFailure

log = logging.getLogger(__name__)

LOGGING_BACKEND = "notifications.sms.LoggingSMSBackend"

# Country calling codes of the regions whose citizens the office expects; a number typed without
# its country code ("0912 345 678") is taken as one of SMS_DEFAULT_REGION.
CALLING_CODES = {"TW": "886", "CN": "86", "HK": "852", "MO": "853", "JP": "81", "US": "1", "GB": "44"}


class TemporaryFailure(Exception):
    """The gateway could not take the message now (rate limit, its own error, no answer): retry."""


class InvalidNumber(PermanentFailure):
    """The number cannot be a phone number of anywhere."""


def sms_disabled():
    """Whether the office sends no text messages (SMS_DISABLED): citizens are then not offered them."""
    return bool(getattr(settings, "SMS_DISABLED", False))


def backend():
    return import_string(settings.CASEWORK_SMS_BACKEND)()


def normalise_number(number, region=None):
    """The number in E.164 (+8869…), from what a citizen types: spaces, dashes, brackets, a leading 0
    of the trunk prefix, 00 for international, or already +…."""
    raw = (number or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        region = (region or settings.SMS_DEFAULT_REGION).upper()
        code = CALLING_CODES.get(region)
        if code is None:
            raise ImproperlyConfigured(f"SMS_DEFAULT_REGION {region!r} is not one of {sorted(CALLING_CODES)}")
        national = digits[1:] if digits.startswith("0") else digits
        international = code + national
    # E.164 numbers have at most 15 digits; fewer than 8 is no subscriber number anywhere.
    if not 8 <= len(international) <= 15 or international.startswith("0"):
        raise InvalidNumber("not a phone number")
    return "+" + international


def masked(number):
    """The last four digits: enough to tell two messages apart in a log, not to text anyone."""
    digits = re.sub(r"\D", "", number or "")
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


class SMSBackend:
    """What every gateway adapter does; subclasses implement deliver(e164_number, text)."""

    def send(self, number, text):
        e164 = normalise_number(number)
        self.deliver(e164, text)
        log.info("SMS to %s accepted by %s (%d characters)", masked(e164), type(self).__name__, len(text))

    def deliver(self, number, text):
        raise NotImplementedError


class LoggingSMSBackend(SMSBackend):
    """Notes in the log that a message would have gone; nothing leaves the building. For development,
    and for production only with SMS_DISABLED (appeals/settings/production.py refuses it otherwise)."""

    def send(self, number, text):
        log.info("SMS to %s (%d characters)", masked(number), len(text))


class TwilioSMSBackend(SMSBackend):
    """Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json.

    Settings: SMS_TWILIO_ACCOUNT_SID, SMS_TWILIO_AUTH_TOKEN (HTTP basic auth), and either
    SMS_TWILIO_MESSAGING_SERVICE_SID or SMS_TWILIO_FROM (the sender number).
    """

    API_BASE = "https://api.twilio.com/2010-04-01"
    # Twilio's error codes that say the message can never go to that number as it stands.
    PERMANENT_CODES = {
        21211: "invalid 'To' number",
        21214: "'To' number cannot be reached",
        21408: "region not enabled for this account",
        21610: "recipient has opted out (STOP)",
        21612: "'To' number cannot be reached from this sender",
        21614: "'To' number is not a mobile number",
        21617: "message body too long",
        30003: "handset unreachable",
        30005: "unknown destination handset",
        30006: "landline or unreachable carrier",
        30007: "message filtered by the carrier",
    }
    # Too many requests: Twilio answers HTTP 429 with its code 20429.
    RATE_LIMITED = 20429

    def __init__(self):
        self.account_sid = settings.SMS_TWILIO_ACCOUNT_SID
        self.auth_token = settings.SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.SMS_TWILIO_FROM
        self.messaging_service = settings.SMS_TWILIO_MESSAGING_SERVICE_SID
        self.timeout = settings.SMS_TIMEOUT_SECONDS
        if not (self.account_sid and self.auth_token and (self.sender or self.messaging_service)):
            raise ImproperlyConfigured(
                "TwilioSMSBackend needs SMS_TWILIO_ACCOUNT_SID, SMS_TWILIO_AUTH_TOKEN and "
                "SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID."
            )

    @property
    def url(self):
        return f"{self.API_BASE}/Accounts/{self.account_sid}/Messages.json"

    def deliver(self, number, text):
        form = {"To": number, "Body": text}
        if self.messaging_service:
            form["MessagingServiceSid"] = self.messaging_service
        else:
            form["From"] = self.sender
        try:
            response = requests.post(
                self.url, data=form, auth=(self.account_sid, self.auth_token), timeout=self.timeout
            )
        except requests.Timeout as error:
            raise TemporaryFailure("Twilio did not answer in time") from error
        except requests.RequestException as error:
            # The exception's text names the URL, never the number or the text: they are form data.
            raise TemporaryFailure(f"Twilio could not be reached ({type(error).__name__})") from error
        if response.status_code in (200, 201):
            return
        self.fail(response)

    def fail(self, response):
        """Raise the failure the answer calls for, named by its status and Twilio's code only: Twilio's
        own message quotes the number."""
        try:
            code = int(response.json().get("code") or 0)
        except (ValueError, AttributeError):
            code = 0
        status = response.status_code
        if code in self.PERMANENT_CODES:
            raise PermanentFailure(f"Twilio refused the message: {code} {self.PERMANENT_CODES[code]}")
        if status == 429 or code == self.RATE_LIMITED:
            raise TemporaryFailure(f"Twilio rate limit (HTTP {status}, code {code})")
        if status >= 500:
            raise TemporaryFailure(f"Twilio server error (HTTP {status})")
        if status in (401, 403):
            # The office's credentials: wrong until an operator fixes them; retrying gives them time.
            raise TemporaryFailure(f"Twilio refused the credentials (HTTP {status}, code {code})")
        raise PermanentFailure(f"Twilio refused the message (HTTP {status}, code {code})")

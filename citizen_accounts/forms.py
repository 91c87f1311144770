from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.appeals import TrackingForm


class ClaimForm(TrackingForm):
    """An older case added to the account with its reference and access code (the tracking form's)."""


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account is deleted for good. My cases stay with the office "
            "and can still be followed with their reference and access code."
        ),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )


class CitizenLoginForm(LoginForm):
    """allauth's sign-in form, its first field labelled by what to type in it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "phone" in settings.ACCOUNT_LOGIN_METHODS:
            self.fields["login"].label = _("E-mail address or phone number")
            self.fields["login"].help_text = _("A phone number with its country code, such as +886912345678.")
        else:
            self.fields["login"].label = _("E-mail address")

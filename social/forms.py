from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from casework.models import Category

from .models import SocialAccount
from .platforms import choices


class ConfirmDraftForm(forms.Form):
    category = forms.ChoiceField(label=_("Type of appeal"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The citizen's messages, joined. Correct obvious slips only; the messages stay the record."
        ),
    )


class DismissDraftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissal"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: advertising, or a test message. The texts of the draft are erased."),
    )


class SocialAccountForm(WagtailAdminModelForm):
    """The secrets are written, never shown again: left empty, the stored value stays."""

    SECRETS = ("token", "app_secret")

    class Meta:
        model = SocialAccount
        fields = [
            "platform",
            "name",
            "slug",
            "account_id",
            "app_id",
            "token",
            "app_secret",
            "language",
            "active",
        ]
        widgets = {
            "token": forms.PasswordInput(render_value=False),
            "app_secret": forms.PasswordInput(render_value=False),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"] = forms.ChoiceField(label=_("platform"), choices=choices())
        for name in self.SECRETS:
            field = self.fields[name]
            field.required = not (self.instance and self.instance.pk)
            if self.instance and self.instance.pk:
                field.help_text = _("Stored encrypted. Leave empty to keep the current value.")

    def clean(self):
        cleaned = super().clean()
        if self.instance and self.instance.pk:
            for name in self.SECRETS:
                if not cleaned.get(name):
                    cleaned[name] = getattr(self.instance, name)
        return cleaned

"""The captcha of the public forms, made passable: a picture described in words, another picture on
request (with or without scripts), the characters read aloud where the server has a voice (flite),
and messages in the reader's language."""

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

# The name of the submit button that asks for another picture: the form comes back with what was
# typed and a new challenge, and nothing is checked, filed or counted.
REFRESH_FIELD = "captcha_refresh"


class PortalCaptchaInput(CaptchaTextInput):
    template_name = "portal/widgets/captcha.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)  # "audio" only when flite is configured
        context["refresh_url"] = self.refresh_url()
        context["refresh_field"] = REFRESH_FIELD
        return context


class PortalCaptchaField(CaptchaField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Type the characters in the picture"))
        kwargs.setdefault(
            "help_text",
            _("Letters and digits; capitals or small letters are both fine. Each picture can be tried once."),
        )
        kwargs.setdefault("widget", PortalCaptchaInput())
        kwargs["error_messages"] = {
            "invalid": _("The characters do not match the picture. Type the characters in the new picture."),
            "required": _("Type the characters in the picture."),
            "incomplete": _("Type the characters in the picture."),
        }
        super().__init__(**kwargs)


def wants_new_picture(request):
    return request.method == "POST" and REFRESH_FIELD in request.POST


def unchecked(form, prefix="captcha"):
    """A bound form shown again as typed, without validating it, for another picture.

    The picture the citizen gave up on is spent, as a wrong answer would spend it: each challenge
    can be answered at most once. The form renders a new one.
    """
    CaptchaStore.objects.filter(hashkey=str(form.data.get(f"{prefix}_0", ""))[:40]).delete()
    form._errors = ErrorDict()
    return form

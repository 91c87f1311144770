from django.utils.translation import get_language

from notifications.sms import sms_disabled

# Django's language codes are lower case; the HTML lang attribute wants BCP 47 script casing.
HTML_LANG = {"zh-hant": "zh-Hant", "zh-hans": "zh-Hans", "en": "en"}


def html_lang(language_code):
    return HTML_LANG.get((language_code or "").lower(), language_code or "zh-Hant")


def language(request):
    return {"html_lang": html_lang(get_language())}


def text_messages(request):
    """Whether pages may promise a text message: not when the office sends none (SMS_DISABLED)."""
    return {"sms_enabled": not sms_disabled()}

"""Machine translation between the two Chinese scripts, for wagtail-localize's one-click drafts."""

from functools import cache

import opencc
from django.utils.translation import gettext_lazy as _
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

CONVERSIONS = {("zh-hant", "zh-hans"): "t2s", ("zh-hans", "zh-hant"): "s2t"}


@cache
def converter(config):
    return opencc.OpenCC(config)


class OpenCCTranslator(BaseMachineTranslator):
    display_name = _("OpenCC (Traditional ↔ Simplified Chinese)")

    def _config(self, source_locale, target_locale):
        return CONVERSIONS.get((source_locale.language_code.lower(), target_locale.language_code.lower()))

    def translate(self, source_locale, target_locale, strings):
        convert = converter(self._config(source_locale, target_locale)).convert
        # Tags and attributes are ASCII, which OpenCC leaves alone, so the HTML survives conversion.
        return {string: StringValue(convert(string.data)) for string in strings}

    def can_translate(self, source_locale, target_locale):
        return self._config(source_locale, target_locale) is not None

"""Keeping zh-Hans and en pages in step with their zh-Hant source, through wagtail-localize."""

from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource


def sync_translation(page, locale, translate_text, user=None):
    """Create or refresh ``page``'s translation into ``locale`` and publish it.

    ``translate_text`` maps each source string (wagtail-localize's segment text) to its translation;
    a string it returns unchanged stays in the source language, which is how editors see it too.
    """
    source, _created = TranslationSource.update_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": translate_text(segment.string.data),
                "translation_type": StringTranslation.TRANSLATION_TYPE_MACHINE,
                "tool_name": "load_demo",
            },
        )
    # wagtail-localize would publish on commit from a revision that remembers the page's tree state
    # at save time; a demo that adds child pages in the same transaction would then see the parent's
    # child count reset to zero. Publishing the fresh revision at once avoids that.
    translation.save_target(user=user, publish=False)
    target = page.get_translation(locale)
    target.get_latest_revision().publish(user=user)
    return target.specific


def ensure_locales():
    from django.conf import settings

    return {code: Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES}

"""Admin conveniences for the public pages' editors."""

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail_localize.models import TranslationSource


@hooks.register("after_publish_page")
def offer_to_sync_translations(request, page):
    """After publishing a page that others translate, say so and offer the sync at once.

    wagtail-localize keeps the sync under the page header's "⋯" menu, where editors who changed the
    zh-Hant original rarely look; the translated pages then keep the old text (hours, addresses).
    """
    source = TranslationSource.objects.get_for_instance_or_none(page)
    if source is None or not source.translations.filter(enabled=True).exists():
        return
    url = reverse("wagtail_localize:update_translations", args=[source.pk])
    url += "?next=" + reverse("wagtailadmin_pages:edit", args=[page.pk])
    messages.info(
        request,
        _("The translations of this page still show the previous text until they are synced."),
        buttons=[messages.button(url, _("Sync translated pages"))],
    )

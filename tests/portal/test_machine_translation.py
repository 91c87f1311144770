"""An editor gets a zh-Hans draft from zh-Hant in one click (wagtail-localize's machine translation)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from portal.models import NoticeIndexPage, NoticePage

pytestmark = pytest.mark.django_db


def test_machine_translate_button_fills_simplified_chinese(demo_site, client):
    index = NoticeIndexPage.objects.get(locale__language_code="zh-hant")
    notice = NoticePage(title="網上訴求服務說明", slug="service-note", body="<p>請攜帶證件親臨櫃檯辦理。</p>")
    index.add_child(instance=notice)
    notice.save_revision().publish()

    source, _created = TranslationSource.get_or_create_from_instance(notice)
    hans = Locale.objects.get(language_code="zh-hans")
    translation = Translation.objects.create(source=source, target_locale=hans, enabled=True)
    # "Translate this page" creates the zh-Hans draft, still in the source's words.
    translation.save_target(publish=False)

    editor = get_user_model().objects.get(username="admin")
    client.force_login(editor)
    response = client.post(
        f"/admin/localize/translate/{translation.id}/machine_translate/", {"next": "/admin/"}
    )
    assert response.status_code == 302

    texts = set(StringTranslation.objects.filter(locale=hans).values_list("data", flat=True))
    assert "网上诉求服务说明" in texts
    assert "请携带证件亲临柜台办理。" in texts

    translation.save_target(user=editor, publish=False)
    draft = notice.get_translation(hans).get_latest_revision_as_object()
    assert draft.title == "网上诉求服务说明"
    assert "请携带证件亲临柜台办理。" in draft.body


def test_editors_may_review_and_publish_every_language(demo_site):
    from wagtail.models import Page

    editor = get_user_model().objects.get(username="editor")
    for code in ("zh-hant", "zh-hans", "en"):
        faq = Page.objects.get(locale__language_code=code, slug="faq")
        permissions = faq.permissions_for_user(editor)
        assert permissions.can_edit() and permissions.can_publish(), code

"""An editor gets a zh-Hans draft from zh-Hant in one click (wagtail-localize's machine translation)."""

import io

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue

from portal.models import NoticeIndexPage, NoticePage
from portal.translation import OpenCCTranslator, to_mainland

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


# --- Mainland wording ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hant", "hans"),
    [
        ("私隱聲明", "隐私声明"),  # a Hong Kong word tw2sp leaves alone: the exceptions table
        ("請輸入圖中的字元", "请输入图中的字符"),  # tw2sp's phrase table
        ("其他聯絡方式", "其他联系方式"),
        ("請按「搜尋」。", "请按“搜索”。"),  # mainland quotation marks
        ("應用程式", "应用程序"),
        ("以編號及查詢碼查詢進度", "以编号及查询码查询进度"),  # not tw2sp's 查找 "look up"
        ("辦理程序", "办理程序"),  # not tw2sp's 进程 "process"
        ("補充資料", "补充资料"),  # not tw2sp's 数据 "data"
        ("個人資料查閱紀錄", "个人信息查阅记录"),
        ("核實身分", "核实身份"),
        (
            '<p>請攜帶<a href="/zh-hant/x/">證件</a>親臨櫃檯辦理。</p>',
            '<p>请携带<a href="/zh-hant/x/">证件</a>亲临柜台办理。</p>',
        ),
    ],
)
def test_simplified_chinese_is_written_as_the_mainland_writes_it(hant, hans):
    assert to_mainland(hant) == hans


def test_the_page_translator_uses_mainland_wording():
    strings = [StringValue("本人已閱讀私隱聲明。"), StringValue("請輸入圖中的字元")]
    translated = OpenCCTranslator({}).translate(
        Locale(language_code="zh-hant"), Locale(language_code="zh-hans"), strings
    )
    assert [translated[string].data for string in strings] == ["本人已阅读隐私声明。", "请输入图中的字符"]


def write_catalogue(path, entries):
    path.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        catalogue.append(entry)
    catalogue.save(str(path / "django.po"))


def test_sync_catalogues_derives_mainland_wording_and_keeps_hand_edited_entries(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    write_catalogue(
        tmp_path / "zh_Hant" / "LC_MESSAGES",
        [
            polib.POEntry(msgid="Privacy notice", msgstr="私隱聲明"),
            polib.POEntry(msgid="Contact details", msgstr="聯絡方式"),
            polib.POEntry(msgid="Search", msgstr="搜尋"),
            polib.POEntry(
                msgid="%(n)s file", msgid_plural="%(n)s files", msgstr_plural={0: "「%(n)s」個檔案"}
            ),
        ],
    )
    write_catalogue(
        tmp_path / "zh_Hans" / "LC_MESSAGES",
        [
            polib.POEntry(msgid="Privacy notice", msgstr="私隐声明"),
            polib.POEntry(msgid="Contact details", msgstr="", flags=["fuzzy"]),
            polib.POEntry(msgid="Search", msgstr="检索", tcomment="manual"),
            polib.POEntry(msgid="%(n)s file", msgid_plural="%(n)s files", msgstr_plural={0: ""}),
        ],
    )
    call_command("sync_catalogues", stdout=io.StringIO())
    hans = {
        entry.msgid: entry for entry in polib.pofile(str(tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    }
    assert hans["Privacy notice"].msgstr == "隐私声明"
    assert hans["Contact details"].msgstr == "联系方式" and "fuzzy" not in hans["Contact details"].flags
    assert hans["Search"].msgstr == "检索"  # edited by hand: left alone
    assert hans["%(n)s file"].msgstr_plural[0] == "“%(n)s”个文件"


def test_the_simplified_catalogue_has_no_taiwan_or_hong_kong_wording():
    catalogue = polib.pofile(str(settings.LOCALE_PATHS[0] / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    words = ("私隐", "字元", "联络", "「", "」", "纪录", "身分")
    found = [
        (entry.msgid, text)
        for entry in catalogue
        if "manual" not in (entry.tcomment or "")
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if any(word in text for word in words)
    ]
    assert found == [], "run manage.py sync_catalogues"


def test_the_demos_simplified_pages_use_mainland_wording(demo_site, client):
    faq = client.get("/zh-hans/faq/").content.decode()
    assert "诉求人的身份、联系方式及附件均予" in faq
    assert "请在“查询诉求”页输入编号" in faq
    appeal = client.get("/zh-hans/appeal/").content.decode()
    assert "您提供的个人信息只用于处理本诉求" in appeal
    for html in (faq, appeal):
        assert not any(word in html for word in ("私隐", "联络", "「", "」", "查找"))

"""The admin's third-party screens (wagtail-localize) read in Chinese, not in English."""

import io
from pathlib import Path

import polib
import pytest
import wagtail_localize
from django.core.management import call_command
from django.utils import translation

from portal.management.commands.vendor_catalogues import vendor_locale_dir

PACKAGE_MESSAGES = [
    entry
    for entry in polib.pofile(
        str(Path(wagtail_localize.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po")
    )
    if not entry.obsolete
]


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_every_wagtail_localize_message_is_translated(language):
    untranslated = []
    with translation.override(language):
        for entry in PACKAGE_MESSAGES:
            if entry.msgid_plural:
                shown = translation.ngettext(entry.msgid, entry.msgid_plural, 2)
            elif entry.msgctxt:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                shown = translation.gettext(entry.msgid)
            if shown in (entry.msgid, entry.msgid_plural):
                untranslated.append(entry.msgid)
    assert untranslated == []


def test_the_sync_screen_speaks_taiwan_traditional_chinese():
    with translation.override("zh-hant"):
        assert translation.gettext("Sync translated pages") == "同步翻譯的頁面"
        assert translation.gettext("Use machine translation") == "使用機器翻譯"


def test_wagtails_own_admin_screens_read_in_traditional_chinese():
    with translation.override("zh-hant"):
        assert translation.gettext("Help") == "說明"
        assert "編輯指南" in translation.gettext("Wagtail %(current_version)s editor guide")
    with translation.override("zh-hans"):
        assert translation.gettext("Help") == "帮助"


def test_the_committed_vendor_catalogues_are_what_the_command_writes(tmp_path, monkeypatch):
    committed = {p.relative_to(vendor_locale_dir()): p.read_text() for p in vendor_locale_dir().rglob("*.po")}
    monkeypatch.setattr("portal.management.commands.vendor_catalogues.vendor_locale_dir", lambda: tmp_path)
    call_command("vendor_catalogues", stdout=io.StringIO())
    written = {p.relative_to(tmp_path): p.read_text() for p in tmp_path.rglob("*.po")}
    assert written.keys() == committed.keys()
    for name, text in written.items():
        assert polib.pofile(text).__unicode__() == polib.pofile(committed[name]).__unicode__(), name
